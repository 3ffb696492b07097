// Verifies an audit log's hash chain and names the first broken record.
// Pure: it takes the file's bytes. What it detects:
//   * a line that is not a JSON object with seq, ts, event and prev;
//   * seq not one more than the previous record's (deleted, inserted or
//     reordered records), or a first record whose seq is not 1 when the log
//     is expected to start at the beginning;
//   * prev not the hash of the previous line (an edited, deleted or
//     reordered record);
//   * a last line without its newline (a torn or truncated write);
//   * fewer records than the last sequence number known from elsewhere (the
//     syslog collector, `bulwarkctl status`): a truncated tail.
//
//   VerifyReport r = verifyAuditLog(text, /*expected_last_seq=*/std::nullopt);
//   if (!r.ok) printf("line %zu (seq %llu): %s", r.line, r.seq, r.reason.c_str());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulwark::auditlog {

struct VerifyReport {
  bool ok = true;
  std::uint64_t records = 0;   // records verified before the first problem
  std::uint64_t last_seq = 0;  // of the last good record
  std::string last_hash;       // of the last good record
  std::size_t line = 0;        // 1-based line of the first problem
  std::uint64_t seq = 0;       // its seq, when it could be read
  std::string reason;
};

VerifyReport verifyAuditLog(std::string_view text, std::optional<std::uint64_t> expected_last_seq);

}  // namespace bulwark::auditlog
