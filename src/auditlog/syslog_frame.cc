#include "auditlog/syslog_frame.h"

#include "auditlog/record.h"

namespace bulwark::auditlog {
namespace {

// HOSTNAME is PRINTUSASCII, at most 255 characters; "-" when unknown.
std::string safeHostname(std::string_view h) {
  std::string out;
  for (char c : h.substr(0, 255))
    if (c > 32 && c < 127) out += c;
  return out.empty() ? "-" : out;
}

}  // namespace

std::string frameSyslog(std::uint64_t seq, std::string_view record_line, std::string_view hostname,
                        long pid) {
  std::string msg = "<86>1 " + nowTimestamp() + " " + safeHostname(hostname) + " bulwark " +
                    std::to_string(pid) + " audit [bulwark@32473 seq=\"" + std::to_string(seq) +
                    "\"] ";
  msg.append(record_line);
  return std::to_string(msg.size()) + " " + msg;
}

}  // namespace bulwark::auditlog
