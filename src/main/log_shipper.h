// LogShipper: main's end of bulwark-logship, the sandboxed process that
// owns the connection to the syslog collector (main itself opens no network
// socket for the audit stream and never reads a byte the collector sends).
//
// push() hands one RFC 5424 frame to the shipper without ever blocking:
// frames wait in a bounded queue here while the channel is full or the
// shipper is being restarted (the oldest are dropped and counted). tick(),
// about once a second, reads the shipper's status reports and checks them
// against what main sent it (counters never go backwards, never past what
// it was given); a report that does not decode or does not add up, or an
// attached fd, gets the shipper SIGKILLed. A shipper that is gone (EOF or
// EPIPE on the channel) is started again after a back-off (1 s doubling to
// 60 s). Main's reapChildren() reaps it; the kill goes through a pidfd, so
// it can never hit a reused pid. What tick() returns is for the audit log.
//
//   LogShipper s(cfg.audit, {exe_dir, worker_account, empty_root, debug});
//   if (auto r = s.start(); !r) ...;         // fatal at start
//   s.push(seq, frame);
//   for (auto& n : s.tick(Clock::now())) audit.record(n.event, n.fields);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "auditlog/record.h"
#include "common/error.h"
#include "common/unique_fd.h"
#include "config/config.h"
#include "ipc/channel.h"
#include "ipc/main_logship.h"
#include "privsep/account.h"

namespace bulwark::mainproc {

// Where and as whom bulwark-logship runs (the same as a worker).
struct ShipperSandbox {
  std::string exe_dir;
  privsep::Account account{};
  std::string empty_root;
  bool debug = false;
};

// What main has handed to one shipper instance so far.
struct SentToShipper {
  std::uint64_t frames = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
};

inline constexpr std::size_t kMaxPendingRecords = 10000;

// bulwark-logship's command line for this configuration.
std::vector<std::string> shipperArgs(const config::AuditConfig& cfg, const ShipperSandbox& box);

// A status report is believable only if its counters do not go backwards
// and do not claim more than the shipper was given.
Result<void> checkShipperStatus(const ipc::LogshipStatus& before, const ipc::LogshipStatus& now,
                                const SentToShipper& sent);

class LogShipper {
 public:
  using Clock = std::chrono::steady_clock;
  struct Notice {
    std::string event;
    auditlog::Fields fields;
  };

  LogShipper(const config::AuditConfig& cfg, ShipperSandbox box);
  // Checks that the TLS files are readable and starts the first shipper.
  Result<void> start();
  void push(std::uint64_t seq, std::string frame);
  [[nodiscard]] std::vector<Notice> tick(Clock::time_point now);

  [[nodiscard]] bool connected() const { return channel_.valid() && status_.connected; }
  [[nodiscard]] std::uint64_t dropped() const {
    return dropped_here_ + dropped_before_ + status_.dropped;
  }
  [[nodiscard]] std::uint64_t lastSentSeq() const;
  [[nodiscard]] bool tls() const { return tls_; }

 private:
  Result<void> spawn(Clock::time_point now);
  bool pump();                // false: the shipper is gone
  Result<bool> readStatus();  // false: the shipper is gone; error: it broke the protocol
  void retire(Clock::time_point now);
  void killShipper();

  std::string executable_;
  std::vector<std::string> args_;
  std::vector<std::pair<std::string, std::string>> tls_files_;  // config key, path
  bool tls_;
  ipc::Channel channel_;
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  std::deque<ipc::LogRecord> pending_;
  SentToShipper sent_;
  ipc::LogshipStatus status_{};
  std::uint64_t dropped_here_ = 0;    // queue overflow and oversized frames in main
  std::uint64_t dropped_before_ = 0;  // reported by earlier shipper instances
  std::uint64_t last_sent_before_ = 0;
  Clock::time_point started_at_{};
  Clock::time_point respawn_at_{};
  Clock::duration backoff_;
};

}  // namespace bulwark::mainproc
