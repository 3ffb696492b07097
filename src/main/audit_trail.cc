#include "main/audit_trail.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "auditlog/syslog_frame.h"
#include "common/log.h"

namespace bulwark::mainproc {

namespace {

std::string syslogHostname(const config::AuditConfig& cfg) {
  if (!cfg.hostname.empty()) return cfg.hostname;
  char buf[256] = {};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

}  // namespace

Result<void> AuditTrail::open(const config::AuditConfig& cfg, const ShipperSandbox& box) {
  path_ = cfg.file;
  auto slash = path_.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path_.substr(0, slash);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return fail("cannot create " + dir + ": " + std::strerror(errno));
  }
  auto w = auditlog::AuditWriter::open(path_);
  if (!w) return fail(w.error());
  writer_ = std::move(*w);
  sync_after_ = std::chrono::milliseconds(cfg.sync_ms);
  if (cfg.syslog_address.empty()) return {};
  hostname_ = syslogHostname(cfg);
  shipper_ = std::make_unique<LogShipper>(cfg, box);
  return shipper_->start();
}

void AuditTrail::record(std::string_view event, auditlog::Fields fields) {
  std::string summary;
  for (const auto& [k, v] : fields) summary += " " + k + "=" + logSafe(v);
  spdlog::info("audit {}{}", event, summary);
  if (!writer_) return;
  auto line = writer_->append(event, std::move(fields));
  if (!line) {
    spdlog::error("audit log {}: {}", path_, line.error().message);
    return;
  }
  if (sync_after_ == Clock::duration::zero()) {
    if (auto s = writer_->sync(); !s) spdlog::error("audit log {}: {}", path_, s.error().message);
  } else if (!sync_due_) {
    sync_due_ = Clock::now() + sync_after_;
  }
  if (shipper_) {
    std::uint64_t seq = writer_->lastSeq();
    long pid = static_cast<long>(::getpid());
    shipper_->push(seq, auditlog::frameSyslog(seq, *line, hostname_, pid));
  }
}

void AuditTrail::tick(Clock::time_point now) {
  if (shipper_)
    for (auto& n : shipper_->tick(now)) record(n.event, std::move(n.fields));
  if (sync_due_ && now >= *sync_due_ && writer_) {
    sync_due_.reset();
    if (auto s = writer_->sync(); !s) spdlog::error("audit log {}: {}", path_, s.error().message);
  }
}

int AuditTrail::msUntilTick(Clock::time_point now) const {
  int ms = shipper_ ? 1000 : -1;  // the shipper's own timers: respawn, reconnect
  if (sync_due_) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*sync_due_ - now).count();
    int due = static_cast<int>(std::max<long long>(0, left));
    ms = ms < 0 ? due : std::min(ms, due);
  }
  return ms;
}

nlohmann::json AuditTrail::status() const {
  nlohmann::json j{{"file", path_}};
  if (writer_) {
    j["last_seq"] = writer_->lastSeq();
    j["last_hash"] = writer_->lastHash();
  }
  if (shipper_) {
    j["syslog_connected"] = shipper_->connected();
    j["syslog_dropped"] = shipper_->dropped();
    j["syslog_last_sent_seq"] = shipper_->lastSentSeq();
    j["syslog_tls"] = shipper_->tls();
  }
  return j;
}

}  // namespace bulwark::mainproc
