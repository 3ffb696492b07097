#include "main/log_shipper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "ipc/limits.h"
#include "privsep/spawn.h"

namespace bulwark::mainproc {
namespace {

constexpr auto kFirstBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(60);
constexpr auto kStableAfter = std::chrono::seconds(60);  // then a death starts the back-off anew
constexpr int kMaxReportsPerTick = 64;

bool readableNow(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

// The TLS files must be there at start: a clear fatal error beats a shipper
// that exits and is restarted forever.
Result<void> checkReadable(const std::string& key, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0)
    return fail("audit." + key + ": cannot read " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail("audit." + key + ": " + path + " is not a regular file");
  return {};
}

void addIfSet(std::vector<std::string>& args, const char* flag, const std::string& value) {
  if (value.empty()) return;
  args.push_back(flag);
  args.push_back(value);
}

}  // namespace

std::vector<std::string> shipperArgs(const config::AuditConfig& cfg, const ShipperSandbox& box) {
  std::vector<std::string> a = {"--uid",     std::to_string(box.account.uid),
                                "--gid",     std::to_string(box.account.gid),
                                "--root",    box.empty_root,
                                "--address", cfg.syslog_address,
                                "--port",    std::to_string(cfg.syslog_port)};
  if (cfg.syslog_tls) {
    a.push_back("--tls");
    addIfSet(a, "--ca", cfg.syslog_ca);
    addIfSet(a, "--cert", cfg.syslog_cert);
    addIfSet(a, "--key", cfg.syslog_key);
    addIfSet(a, "--server-name", cfg.syslog_server_name);
  }
  if (box.debug) a.push_back("--debug");
  return a;
}

Result<void> checkShipperStatus(const ipc::LogshipStatus& before, const ipc::LogshipStatus& now,
                                const SentToShipper& sent) {
  if (now.dropped < before.dropped) return fail("drop counter went backwards");
  if (now.dropped > sent.frames) return fail("dropped more frames than it was given");
  if (now.last_sent_seq < before.last_sent_seq) return fail("last sent seq went backwards");
  if (now.last_sent_seq == before.last_sent_seq) return {};
  if (now.last_sent_seq < sent.first_seq || now.last_sent_seq > sent.last_seq)
    return fail("claims to have sent seq " + std::to_string(now.last_sent_seq) +
                ", not given to it");
  return {};
}

LogShipper::LogShipper(const config::AuditConfig& cfg, ShipperSandbox box)
    : executable_(box.exe_dir + "/bulwark-logship"),
      args_(shipperArgs(cfg, box)),
      tls_(cfg.syslog_tls),
      backoff_(kFirstBackoff) {
  if (!tls_) return;
  for (const auto& [key, path] : {std::pair{"syslog_ca", cfg.syslog_ca},
                                  {"syslog_cert", cfg.syslog_cert},
                                  {"syslog_key", cfg.syslog_key}})
    if (!path.empty()) tls_files_.emplace_back(key, path);
}

Result<void> LogShipper::start() {
  for (const auto& [key, path] : tls_files_)
    if (auto r = checkReadable(key, path); !r) return r;
  return spawn(Clock::now());
}

Result<void> LogShipper::spawn(Clock::time_point now) {
  auto pair = ipc::makeChannelPair();
  if (!pair) return fail(pair.error());
  auto pid = privsep::spawnProcess(executable_, args_, {{pair->second.get(), 3}});
  if (!pid) return fail("bulwark-logship: " + pid.error().message);
  pid_ = *pid;
  pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  channel_ = ipc::Channel(std::move(pair->first), ipc::kMainLogshipCap);
  started_at_ = now;
  spdlog::info("bulwark-logship pid {} streams the audit log", pid_);
  (void)pump();  // a shipper that died already is noticed by tick()
  return {};
}

void LogShipper::push(std::uint64_t seq, std::string frame) {
  if (frame.size() > ipc::kMaxLogFrame) {
    ++dropped_here_;
    return;
  }
  if (pending_.size() >= kMaxPendingRecords) {
    pending_.pop_front();
    ++dropped_here_;
  }
  pending_.push_back({seq, std::move(frame)});
  if (channel_.valid()) (void)pump();
}

bool LogShipper::pump() {
  while (!pending_.empty()) {
    auto took = channel_.trySend(ipc::encodeFrame(pending_.front()));
    if (!took) return false;
    if (!*took) return true;  // channel full: the rest waits for the next tick
    ++sent_.frames;
    if (sent_.first_seq == 0) sent_.first_seq = pending_.front().seq;
    sent_.last_seq = pending_.front().seq;
    pending_.pop_front();
  }
  return true;
}

Result<bool> LogShipper::readStatus() {
  for (int i = 0; i < kMaxReportsPerTick && readableNow(channel_.fd()); ++i) {
    auto frame = channel_.receive();
    if (!frame)
      return frame.error().message == ipc::kPeerClosed ? Result<bool>(false) : fail(frame.error());
    if (frame->fd.valid()) return fail("it attached a file descriptor");
    auto st = ipc::decodeFrame<ipc::LogshipStatus>(*frame);
    if (!st) return fail(st.error());
    if (auto ok = checkShipperStatus(status_, *st, sent_); !ok) return fail(ok.error());
    if (st->connected != status_.connected)
      spdlog::info("audit collector {}", st->connected ? "connected" : "not connected");
    status_ = *st;
  }
  return true;
}

std::vector<LogShipper::Notice> LogShipper::tick(Clock::time_point now) {
  std::vector<Notice> notices;
  if (channel_.valid()) {
    auto alive = readStatus();
    if (!alive) {
      spdlog::error("bulwark-logship pid {} broke the protocol ({}): killed", pid_,
                    alive.error().message);
      killShipper();
      notices.push_back(
          {"logship.killed", {{"pid", std::to_string(pid_)}, {"reason", alive.error().message}}});
      retire(now);
    } else if (!*alive || !pump()) {
      spdlog::warn("bulwark-logship pid {} is gone; restarting it", pid_);
      notices.push_back({"logship.exit", {{"pid", std::to_string(pid_)}}});
      retire(now);
    }
  }
  if (!channel_.valid() && now >= respawn_at_) {
    if (auto r = spawn(now); !r) {
      spdlog::error("cannot restart bulwark-logship: {}", r.error().message);
      retire(now);
    }
  }
  return notices;
}

void LogShipper::killShipper() {
  if (pidfd_) {
    ::syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0);
  } else if (pid_ > 0) {
    ::kill(pid_, SIGKILL);  // kernel without pidfds: a plain kill by pid
  }
}

// Forgets the dead shipper and schedules the next one.
void LogShipper::retire(Clock::time_point now) {
  dropped_before_ += status_.dropped;
  last_sent_before_ = lastSentSeq();
  status_ = {};
  sent_ = {};
  channel_.close();
  pidfd_.reset();
  pid_ = -1;
  if (now - started_at_ >= kStableAfter) backoff_ = kFirstBackoff;
  respawn_at_ = now + backoff_;
  backoff_ = std::min<Clock::duration>(backoff_ * 2, kMaxBackoff);
}

std::uint64_t LogShipper::lastSentSeq() const {
  return std::max(last_sent_before_, status_.last_sent_seq);
}

}  // namespace bulwark::mainproc
