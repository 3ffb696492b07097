// AuditTrail: bulwarkd's one audit stream. Every event (logins from authd,
// sessions, admin actions, mitigations, worker crashes and sandbox kills)
// becomes a hash-chained record in the audit file (auditlog/writer.h), is
// handed as an RFC 5424 frame to bulwark-logship for the syslog collector if
// one is configured (main/log_shipper.h), and is mirrored to the ordinary
// log. Values never include a secret: callers pass names,
// addresses, counters and reasons only.
//
//   AuditTrail audit;
//   audit.open(cfg.audit, {exe_dir, account, empty_root, debug});  // at start; errors are fatal
//   audit.record("session.end", {{"user", u}, {"bytes_in", "123"}});
//   loop.runOnce(audit.msUntilTick());        // -1: no timer has work
//   audit.tick();
//
// Records reach the file at once; fdatasync follows within [audit] sync_ms
// (one for all records of that window), or after each record with 0.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auditlog/record.h"
#include "auditlog/writer.h"
#include "common/error.h"
#include "config/config.h"
#include "main/log_shipper.h"

namespace bulwark::mainproc {

class AuditTrail {
 public:
  // `box` says where bulwark-logship runs; unused without a collector.
  Result<void> open(const config::AuditConfig& cfg, const ShipperSandbox& box);
  void record(std::string_view event, auditlog::Fields fields);
  using Clock = std::chrono::steady_clock;
  void tick(Clock::time_point now = Clock::now());
  // How long the caller may sleep before tick() has work: -1 for as long as
  // it likes (no collector, nothing waiting for fdatasync).
  [[nodiscard]] int msUntilTick(Clock::time_point now = Clock::now()) const;
  [[nodiscard]] nlohmann::json status() const;

 private:
  std::optional<auditlog::AuditWriter> writer_;
  std::unique_ptr<LogShipper> shipper_;
  std::string hostname_;
  std::string path_;
  Clock::duration sync_after_{};
  std::optional<Clock::time_point> sync_due_;  // records written, not yet synced
};

}  // namespace bulwark::mainproc
