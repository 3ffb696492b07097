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
//   audit.tick();                             // about once a second while ticking()
#pragma once

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
  void tick();
  // Whether tick() has work: only with a syslog collector.
  [[nodiscard]] bool ticking() const { return shipper_ != nullptr; }
  [[nodiscard]] nlohmann::json status() const;

 private:
  std::optional<auditlog::AuditWriter> writer_;
  std::unique_ptr<LogShipper> shipper_;
  std::string hostname_;
  std::string path_;
};

}  // namespace bulwark::mainproc
