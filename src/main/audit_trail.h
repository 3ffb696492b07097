// AuditTrail: bulwarkd's one audit stream. Every event (logins from authd,
// sessions, admin actions, mitigations, worker crashes and sandbox kills)
// becomes a hash-chained record in the audit file (auditlog/writer.h), is
// streamed to the syslog collector if one is configured, and is mirrored to
// the ordinary log. Values never include a secret: callers pass names,
// addresses, counters and reasons only.
//
//   AuditTrail audit;
//   audit.open(cfg.audit);                    // at start; an error is fatal
//   audit.record("session.end", {{"user", u}, {"bytes_in", "123"}});
//   audit.tick();                             // about once a second
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auditlog/record.h"
#include "auditlog/syslog_stream.h"
#include "auditlog/writer.h"
#include "common/error.h"
#include "config/config.h"

namespace bulwark::mainproc {

class AuditTrail {
 public:
  Result<void> open(const config::AuditConfig& cfg);
  void record(std::string_view event, auditlog::Fields fields);
  void tick();
  [[nodiscard]] nlohmann::json status() const;

 private:
  std::optional<auditlog::AuditWriter> writer_;
  std::unique_ptr<auditlog::SyslogStream> syslog_;
  std::string path_;
};

}  // namespace bulwark::mainproc
