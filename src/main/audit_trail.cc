#include "main/audit_trail.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace bulwark::mainproc {

Result<void> AuditTrail::open(const config::AuditConfig& cfg) {
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
  if (!cfg.syslog_address.empty()) {
    std::string host = cfg.hostname;
    if (host.empty()) {
      char buf[256] = {};
      ::gethostname(buf, sizeof(buf) - 1);
      host = buf;
    }
    syslog_ = std::make_unique<auditlog::SyslogStream>(cfg.syslog_address, cfg.syslog_port, host);
  }
  return {};
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
  if (syslog_) syslog_->push(writer_->lastSeq(), *line);
}

void AuditTrail::tick() {
  if (syslog_) syslog_->tick();
}

nlohmann::json AuditTrail::status() const {
  nlohmann::json j{{"file", path_}};
  if (writer_) {
    j["last_seq"] = writer_->lastSeq();
    j["last_hash"] = writer_->lastHash();
  }
  if (syslog_) {
    j["syslog_connected"] = syslog_->connected();
    j["syslog_dropped"] = syslog_->dropped();
  }
  return j;
}

}  // namespace bulwark::mainproc
