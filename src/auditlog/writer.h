// AuditWriter: appends hash-chained records (record.h) to the audit file,
// one write(2) per record on an O_APPEND fd, mode 0600. sync() forces what
// was appended to disk (fdatasync); the owner decides how often, and the
// destructor syncs what is left. On
// open it continues the chain from the file's last line. If that line is
// damaged (torn write, edited), the writer does not guess: it starts a new
// chain at seq 1 with an "audit.new_chain" record, so `bulwarkctl audit
// verify` shows exactly where the old chain broke.
//
//   auto w = AuditWriter::open("/var/log/bulwark/audit.jsonl");
//   auto line = w->append("login.success", {{"user", "alice"}, {"peer", "10.0.0.2:5000"}});
//   w->sync();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auditlog/record.h"
#include "common/error.h"
#include "common/unique_fd.h"

namespace bulwark::auditlog {

class AuditWriter {
 public:
  static Result<AuditWriter> open(const std::string& path);
  AuditWriter(AuditWriter&&) = default;
  AuditWriter& operator=(AuditWriter&& o) noexcept;
  ~AuditWriter() { (void)sync(); }
  // Returns the line written (without newline), for streaming elsewhere.
  Result<std::string> append(std::string_view event, Fields fields);
  // fdatasync of what append() wrote; nothing to do if nothing is pending.
  Result<void> sync();
  [[nodiscard]] bool unsynced() const { return unsynced_; }
  [[nodiscard]] std::uint64_t lastSeq() const { return seq_; }
  [[nodiscard]] const std::string& lastHash() const { return hash_; }

 private:
  AuditWriter(UniqueFd fd, std::uint64_t seq, std::string hash)
      : fd_(std::move(fd)), seq_(seq), hash_(std::move(hash)) {}
  UniqueFd fd_;
  std::uint64_t seq_ = 0;
  std::string hash_;
  bool unsynced_ = false;
};

// The chain state after `tail` (the end of an audit file): the last line's
// seq and hash, or nullopt if the tail is empty; an error if damaged.
struct ChainState {
  std::uint64_t seq = 0;
  std::string hash;
};
Result<ChainState> chainStateOfTail(std::string_view tail);

}  // namespace bulwark::auditlog
