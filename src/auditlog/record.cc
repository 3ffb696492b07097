#include "auditlog/record.h"

#include <openssl/evp.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

namespace bulwark::auditlog {
namespace {

bool validName(std::string_view n) {
  if (n.empty() || n.size() > 64 || n == "seq" || n == "ts" || n == "event" || n == "prev")
    return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

std::string formatRecord(const Record& r) {
  nlohmann::ordered_json j;
  j["seq"] = r.seq;
  j["ts"] = r.ts;
  j["event"] = r.event;
  for (const auto& [name, value] : r.fields) {
    std::string key = validName(name) ? name : "x_" + name;
    while (j.contains(key)) key += "_";
    j[key] = value;
  }
  j["prev"] = r.prev;
  // Invalid UTF-8 in a value (a hostile user name) is replaced, not fatal.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string lineHash(std::string_view line) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(line.data(), line.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string nowTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace bulwark::auditlog
