// WakeModeration: interrupt moderation for the tunnel loop (network.rx_coalesce_us).
//
// The worker is faster than the client that feeds it, so under a bulk upload
// it wakes for every two or three packets: each wake-up is a poll, a context
// switch and a TUN write of a short coalesced run, and those wake-ups were
// about a quarter of the worker's CPU (dataplane.md). After a wake-up that
// carried bulk traffic from the client, the loop holds until `delay` after
// the wake-up, so the next one finds a full batch waiting.
//
// Only bulk traffic from the client counts: a wake-up with fewer than two
// packets of kBulkPacket bytes or more (a ping, a keystroke, TCP ACKs of a
// download) never holds, so interactive traffic gains no latency. During a
// bulk upload a packet waits at most `delay` more.
//
//   WakeModeration m(std::chrono::microseconds(100));
//   m.woke(now);  m.fromClient(payload.size());  ...
//   if (auto until = m.hold()) sleepUntil(*until);
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace bulwark::worker {

class WakeModeration {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kBulkPacket = 512;  // bytes; TCP ACKs are under 100
  static constexpr int kBulkPackets = 2;

  explicit WakeModeration(std::chrono::microseconds delay) : delay_(delay) {}

  // A wake-up begins (poll returned) at `now`.
  void woke(Clock::time_point now) {
    woke_ = now;
    bulk_ = 0;
  }
  // A data packet of `bytes` from the client (CSTP or DTLS) was handled.
  void fromClient(std::size_t bytes) {
    if (bytes >= kBulkPacket) ++bulk_;
  }
  // At the end of a wake-up: until when the loop holds before its next poll,
  // if at all. Counts the wake-ups and the holds.
  [[nodiscard]] std::optional<Clock::time_point> hold() {
    ++wake_ups_;
    if (delay_.count() <= 0 || bulk_ < kBulkPackets) return std::nullopt;
    ++holds_;
    return woke_ + delay_;
  }
  [[nodiscard]] std::uint64_t wakeUps() const { return wake_ups_; }
  [[nodiscard]] std::uint64_t holds() const { return holds_; }

 private:
  std::chrono::microseconds delay_;
  Clock::time_point woke_{};
  int bulk_ = 0;
  std::uint64_t wake_ups_ = 0;
  std::uint64_t holds_ = 0;
};

}  // namespace bulwark::worker
