#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <string>

namespace bulwark {

void initLogging(std::string_view role, bool debug) {
  auto logger = spdlog::stderr_logger_mt(std::string(role));
  std::string pattern = "%Y-%m-%dT%H:%M:%S.%e %l " + std::string(role) + "[" +
                        std::to_string(::getpid()) + "] %v";
  logger->set_pattern(pattern);
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace bulwark
