// Shipper: bulwark-logship's loop, once the sandbox is up. Frames of audit
// records arrive from main on the channel (ipc/main_logship.h) and wait in
// a bounded SendQueue; the shipper keeps one connection to the collector
// (reconnecting every few seconds while it is down), writes the frames in
// order without ever blocking on the collector, and tells main when the
// connection comes or goes and, at most once a second, how far it got and
// how many frames it had to drop. EOF on the channel means main is gone:
// the shipper tries for a short while to write what it still holds, then
// returns.
//
//   Shipper s(ipc::Channel(UniqueFd(3), ipc::kMainLogshipCap), std::move(link));
//   return s.run();
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ipc/channel.h"
#include "ipc/main_logship.h"
#include "logship/collector_link.h"
#include "logship/send_queue.h"

namespace bulwark::logship {

class Shipper {
 public:
  Shipper(ipc::Channel main, CollectorLink link) : main_(std::move(main)), link_(std::move(link)) {}
  // Returns the process exit code: 0 when main closed the channel, 1 when
  // main sent something undecodable.
  int run();

 private:
  using Clock = std::chrono::steady_clock;
  enum class MainSays { kMore, kGone, kBroken };
  int waitMs(Clock::time_point now) const;
  MainSays receiveFromMain();
  void connectIfDue(Clock::time_point now);
  void writeToCollector();
  void onCollectorReadable();
  void lost(const std::string& why);
  void noteFailure(const std::string& why, Clock::time_point now);
  void reportStatus(Clock::time_point now);
  void flushBeforeExit();

  ipc::Channel main_;
  CollectorLink link_;
  SendQueue queue_{kMaxQueuedFrames};
  std::uint64_t last_sent_ = 0;
  Clock::time_point next_connect_{};
  ipc::LogshipStatus reported_{};
  Clock::time_point next_report_{};
  std::string last_failure_;
  Clock::time_point last_failure_log_{};
};

}  // namespace bulwark::logship
