#include "auditlog/verify.h"

#include <nlohmann/json.hpp>

#include "auditlog/record.h"

namespace bulwark::auditlog {
namespace {

VerifyReport broken(VerifyReport r, std::size_t line, std::uint64_t seq, std::string why) {
  r.ok = false;
  r.line = line;
  r.seq = seq;
  r.reason = std::move(why);
  return r;
}

}  // namespace

VerifyReport verifyAuditLog(std::string_view text, std::optional<std::uint64_t> expected_last_seq) {
  VerifyReport r;
  std::string prev_hash(kGenesisHash);
  std::uint64_t prev_seq = 0;
  std::size_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    auto nl = text.find('\n');
    if (nl == std::string_view::npos)
      return broken(r, lineno, 0, "last line has no newline: the log was cut or a write was torn");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("seq") ||
        !j["seq"].is_number_unsigned() || !j.contains("prev") || !j["prev"].is_string() ||
        !j.contains("event") || !j["event"].is_string() || !j.contains("ts") ||
        !j["ts"].is_string())
      return broken(r, lineno, 0, "not an audit record (bad JSON or missing seq/ts/event/prev)");
    std::uint64_t seq = j["seq"].get<std::uint64_t>();
    if (seq != prev_seq + 1)
      return broken(r, lineno, seq,
                    "sequence jumps from " + std::to_string(prev_seq) + " to " +
                        std::to_string(seq) + ": records deleted, inserted or reordered");
    if (j["prev"].get<std::string>() != prev_hash)
      return broken(r, lineno, seq,
                    "prev does not match the hash of the line before: a record was edited, deleted "
                    "or reordered");
    prev_hash = lineHash(line);
    prev_seq = seq;
    ++r.records;
    r.last_seq = seq;
    r.last_hash = prev_hash;
  }
  if (expected_last_seq && prev_seq < *expected_last_seq)
    return broken(r, lineno + 1, prev_seq + 1,
                  "log ends at seq " + std::to_string(prev_seq) + " but seq " +
                      std::to_string(*expected_last_seq) + " was reported: the tail was truncated");
  return r;
}

}  // namespace bulwark::auditlog
