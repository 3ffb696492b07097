// InflightGate: how much of the gateway's TCP data sent to the client over
// DTLS is queued at the client, so that the worker can stop reading its TUN
// device while that is more than the client can buffer.
//
// Over DTLS nothing tells the gateway how fast the client drains its UDP
// socket. When the gateway is the faster end, the tunnelled TCP's data in
// flight piles up in that socket's buffer (openconnect leaves it at the
// system default, 212992 bytes), and what does not fit is dropped, encrypted
// and sent for nothing, and sent again (dataplane.md). The client's TCP ACKs
// pass through the worker, though. This class reads the sequence numbers of
// the segments going to the client and the ACK and SACK numbers coming back,
// per TCP flow, and sums what lies between: the data on the path and in the
// client. It also times segments to their ACK (one per flow at a time), and
// keeps the smallest such round trip (the path's) and a smoothed recent
// one. What is on the path itself takes the smallest round trip; what makes
// the recent one longer is waiting in a queue. So
//   queued = outstanding * (recent RTT - smallest RTT) / recent RTT
// is the data queued between the worker and the client's TCP (the client's
// socket buffer, or a slow link's queue). While that is at or over the
// budget the worker leaves further packets in the TUN device's queue, where
// the tunnelled TCP's own flow control sees them, rather than in the
// client's, where they would be lost. A long path with no queue (a client
// 50 ms away) has much outstanding and nothing queued: it is never held.
//
// A queue that stands for long would pass for the path, and a round trip
// can get longer for good (the client moved): before it holds on a
// smallest round trip older than 10 s, the gate drains (it opens only
// while under a quarter of the budget is outstanding) until a segment sent
// in the drain comes back, and takes that segment's round trip as the
// path's (BBR's PROBE_RTT does the same). A path with nothing queued is
// never drained.
//
// Only TCP is counted; other packets always pass. A flow whose ACKs stop
// (closed, or the client gone) cannot hold the gate: it opens anyway once no
// ACK has moved for `stall`. A FIN or RST from the client ends a flow's count.
//
//   InflightGate gate(64 * 1024, std::chrono::milliseconds(5));
//   gate.sent(segment, now);         // each IPv4 packet sent to the client over DTLS
//   gate.received(packet, now);      // each IPv4 packet from the client
//   if (gate.open(now)) read the TUN device
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace bulwark::packet {

class InflightGate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kFlows = 8;  // the flows tracked at once (most recent)
  static constexpr auto kMinRttWindow = std::chrono::seconds(10);
  static constexpr auto kDrainLimit = std::chrono::milliseconds(200);  // a drain gives up

  InflightGate(std::size_t budget_bytes, Clock::duration stall)
      : budget_(budget_bytes), stall_(stall) {}

  // An IPv4 packet the gateway sent to the client at `now`.
  void sent(std::span<const std::byte> packet, Clock::time_point now);
  // An IPv4 packet from the client, received at `now`.
  void received(std::span<const std::byte> packet, Clock::time_point now);

  // Bytes sent to the client and not yet acknowledged, over all flows.
  [[nodiscard]] std::size_t outstanding() const;
  // Of those, the bytes estimated to wait in a queue (above); 0 before the
  // first round trip is timed.
  [[nodiscard]] std::size_t queued() const;
  // True if the budget allows reading more. Also true once no ACK has moved
  // for `stall`; the gate then forgets what it counted and learns it again
  // from the next ACKs.
  [[nodiscard]] bool open(Clock::time_point now);
  // When a closed gate opens by itself (the stall deadline).
  [[nodiscard]] Clock::time_point reopensAt() const { return progress_ + stall_; }
  [[nodiscard]] std::size_t budget() const { return budget_; }
  [[nodiscard]] bool enabled() const { return budget_ > 0; }
  // The most queued() that open() has seen.
  [[nodiscard]] std::size_t peak() const { return peak_; }
  // The round trips timed so far (zero before the first).
  [[nodiscard]] Clock::duration minRtt() const { return min_rtt_; }
  [[nodiscard]] Clock::duration recentRtt() const { return srtt_; }
  [[nodiscard]] bool draining() const { return draining_; }

 private:
  struct Flow {
    // Addresses and ports as they appear in a gateway -> client packet.
    std::uint32_t src = 0, dst = 0;
    std::uint32_t ports = 0;     // source port << 16 | destination port
    std::uint32_t sent_end = 0;  // the highest sequence number sent, + 1
    std::uint32_t acked = 0;     // the highest number the client has acknowledged or SACKed
    bool in_use = false;
    bool has_ack = false;
    bool timing = false;          // a segment is being timed to its ACK
    std::uint32_t timed_end = 0;  // its end
    Clock::time_point timed_at{};
    std::uint64_t used = 0;  // for replacing the least recently sent flow
  };
  Flow* find(std::uint32_t src, std::uint32_t dst, std::uint32_t ports);
  // The flow's entry, a new one (sent up to `end`) in place of the least
  // recently sent flow if it has none.
  Flow& slotFor(std::uint32_t src, std::uint32_t dst, std::uint32_t ports, std::uint32_t end);
  void acknowledged(Flow& f, std::uint32_t acked, Clock::time_point now);
  void sampleRtt(Clock::duration rtt, Clock::time_point sent_at, Clock::time_point now);
  void endOverdueDrain(Clock::time_point now);

  std::size_t budget_;
  Clock::duration stall_;
  std::array<Flow, kFlows> flows_{};
  std::uint64_t tick_ = 0;
  Clock::time_point progress_{};  // when an ACK last moved
  std::size_t peak_ = 0;
  Clock::duration min_rtt_{};
  Clock::time_point min_rtt_at_{};
  Clock::duration srtt_{};
  bool has_rtt_ = false;
  bool draining_ = false;  // measuring the path's round trip afresh
  Clock::time_point drain_from_{};
};

}  // namespace bulwark::packet
