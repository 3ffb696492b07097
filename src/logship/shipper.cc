#include "logship/shipper.h"

#include <poll.h>

#include <algorithm>

#include "common/log.h"

namespace bulwark::logship {
namespace {

constexpr auto kRetryEvery = std::chrono::seconds(3);
constexpr auto kConnectTimeout = std::chrono::seconds(2);
constexpr auto kReportEvery = std::chrono::seconds(1);
constexpr auto kFlushOnExit = std::chrono::seconds(2);
constexpr auto kRepeatFailureLog = std::chrono::seconds(60);
constexpr int kMaxWaitMs = 1000;
constexpr int kFramesPerWake = 256;  // then the collector gets its turn

bool readableNow(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

}  // namespace

int Shipper::run() {
  for (;;) {
    auto now = Clock::now();
    connectIfDue(now);
    reportStatus(now);
    pollfd fds[2] = {{main_.fd(), POLLIN, 0}, {link_.fd(), POLLIN, 0}};
    if (!queue_.empty()) fds[1].events |= POLLOUT;
    int n = ::poll(fds, link_.isOpen() ? 2 : 1, waitMs(now));
    if (n < 0 && errno != EINTR) return 1;
    if (n <= 0) continue;
    if (link_.isOpen() && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
      onCollectorReadable();
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      MainSays says = receiveFromMain();
      if (says == MainSays::kBroken) return 1;
      if (says == MainSays::kGone) break;
    }
    writeToCollector();
  }
  flushBeforeExit();
  return 0;
}

int Shipper::waitMs(Clock::time_point now) const {
  auto until = now + std::chrono::milliseconds(kMaxWaitMs);
  if (!link_.isOpen()) until = std::min(until, next_connect_);
  if (queue_.dropped() != reported_.dropped || last_sent_ != reported_.last_sent_seq)
    until = std::min(until, next_report_);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, kMaxWaitMs));
}

Shipper::MainSays Shipper::receiveFromMain() {
  for (int i = 0; i < kFramesPerWake && readableNow(main_.fd()); ++i) {
    auto frame = main_.receive();
    if (!frame && frame.error().message == ipc::kPeerClosed) return MainSays::kGone;
    if (!frame) {
      spdlog::error("channel from main: {}", frame.error().message);
      return MainSays::kBroken;
    }
    auto rec = ipc::decodeFrame<ipc::LogRecord>(*frame);
    if (!rec) {
      spdlog::error("bad frame from main: {}", rec.error().message);
      return MainSays::kBroken;
    }
    queue_.push(rec->seq, std::move(rec->frame));
  }
  return MainSays::kMore;
}

void Shipper::connectIfDue(Clock::time_point now) {
  if (link_.isOpen() || now < next_connect_) return;
  next_connect_ = now + kRetryEvery;
  queue_.rewind();  // a frame cut by the last connection goes again whole
  if (auto r = link_.open(kConnectTimeout); !r) return noteFailure(r.error().message, now);
  spdlog::info("connected to the collector {}", link_.describe());
  last_failure_.clear();
  reportStatus(Clock::now());
}

void Shipper::writeToCollector() {
  while (link_.isOpen() && !queue_.empty()) {
    auto n = link_.write(queue_.unsent());
    if (!n) return lost(n.error().message);
    if (auto done = queue_.consume(*n)) last_sent_ = *done;
    if (*n == 0) return;
  }
}

void Shipper::onCollectorReadable() {
  if (auto r = link_.drain(); !r) lost(r.error().message);
}

void Shipper::lost(const std::string& why) {
  auto now = Clock::now();
  noteFailure(why, now);
  next_connect_ = now + kRetryEvery;
  reportStatus(now);
}

// One log line per distinct reason, repeated at most once a minute: a
// collector that stays away must not flood the log.
void Shipper::noteFailure(const std::string& why, Clock::time_point now) {
  if (why == last_failure_ && now - last_failure_log_ < kRepeatFailureLog) return;
  spdlog::warn("collector {}: {}", link_.describe(), why);
  last_failure_ = why;
  last_failure_log_ = now;
}

// The connection state goes to main at once; the counters at most once a
// second while they change.
void Shipper::reportStatus(Clock::time_point now) {
  ipc::LogshipStatus now_status{link_.isOpen(), queue_.dropped(), last_sent_};
  bool flip = now_status.connected != reported_.connected;
  bool moved = now_status.dropped != reported_.dropped ||
               now_status.last_sent_seq != reported_.last_sent_seq;
  if (!flip && !(moved && now >= next_report_)) return;
  // A full channel only delays the report; main reads it within a second.
  auto sent = main_.trySend(ipc::encodeFrame(now_status));
  if (!sent || !*sent) return;
  reported_ = now_status;
  next_report_ = now + kReportEvery;
}

void Shipper::flushBeforeExit() {
  auto deadline = Clock::now() + kFlushOnExit;
  if (!link_.isOpen() && !queue_.empty()) {
    queue_.rewind();
    if (auto r = link_.open(kConnectTimeout); !r)
      spdlog::warn("collector {}: {}", link_.describe(), r.error().message);
  }
  while (link_.isOpen() && !queue_.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{link_.fd(), POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    writeToCollector();
  }
  if (!queue_.empty()) spdlog::warn("exiting with {} audit frame(s) not delivered", queue_.size());
  link_.close();
}

}  // namespace bulwark::logship
