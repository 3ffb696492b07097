// One audit record: a single JSON line
//   {"seq":N,"ts":"2026-11-23T06:00:00.123Z","event":"login.failure",
//    "user":"alice",...,"prev":"<hex SHA-256 of the previous line>"}
// Keys keep this order (seq, ts, event, the fields in the order given,
// prev); values are JSON-escaped, so a newline or quote in a user name can
// never split or forge a record. The first record's prev is 64 zeros. The
// chain hash of a record is the SHA-256 of its line without the newline.
//
//   std::string line = formatRecord({seq, ts, "session.end", {{"user", u}}, prev});
//   std::string next_prev = lineHash(line);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulwark::auditlog {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Record {
  std::uint64_t seq = 0;
  std::string ts;     // RFC 3339 UTC with milliseconds
  std::string event;  // e.g. "login.failure"
  Fields fields;      // names: [a-z0-9_], not seq/ts/event/prev
  std::string prev;   // hex SHA-256 of the previous line
};

// The line, without a trailing newline. Field names that are invalid or
// reserved are prefixed with "x_" rather than dropped (nothing is lost).
std::string formatRecord(const Record& r);
std::string lineHash(std::string_view line);
std::string nowTimestamp();

}  // namespace bulwark::auditlog
