#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <string>

namespace bulwark {

namespace {
// %P: the pid of the process writing the line, so that a worker forked by
// the zygote logs under its own pid.
std::string patternFor(std::string_view role) {
  return "%Y-%m-%dT%H:%M:%S.%e %l " + std::string(role) + "[%P] %v";
}
}  // namespace

void initLogging(std::string_view role, bool debug) {
  auto logger = spdlog::stderr_logger_mt(std::string(role));
  logger->set_pattern(patternFor(role));
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string logSafe(std::string_view untrusted) {
  constexpr std::size_t kMax = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : untrusted.substr(0, kMax)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (untrusted.size() > kMax) out += "...";
  return out;
}

}  // namespace bulwark
