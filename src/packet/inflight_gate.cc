#include "packet/inflight_gate.h"

#include <algorithm>

#include "packet/checksum.h"
#include "packet/ipv4_tcp.h"

namespace bulwark::packet {
namespace {

constexpr std::uint8_t kOptionEnd = 0, kOptionNop = 1, kOptionSack = 5;

bool after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

struct Key {
  std::uint32_t src, dst, ports;
};

Key keyOf(std::span<const std::byte> packet, const TcpView& v) {
  return {load32(&packet[ip::kSource]), load32(&packet[ip::kDestination]),
          load32(&packet[v.ip_header])};
}

std::uint32_t swapPorts(std::uint32_t ports) { return ports << 16 | ports >> 16; }

// The highest right edge of the SACK blocks in the TCP options, or `ack`.
std::uint32_t highestSacked(std::span<const std::byte> packet, const TcpView& v,
                            std::uint32_t ack) {
  std::size_t i = v.ip_header + 20;
  const std::size_t end = v.headers();
  while (i < end) {
    auto kind = std::to_integer<std::uint8_t>(packet[i]);
    if (kind == kOptionEnd) break;
    if (kind == kOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= end) break;
    std::size_t len = std::to_integer<std::uint8_t>(packet[i + 1]);
    if (len < 2 || i + len > end) break;
    if (kind == kOptionSack) {
      for (std::size_t b = i + 2; b + 8 <= i + len; b += 8) {
        std::uint32_t right = load32(&packet[b + 4]);
        if (after(right, ack)) ack = right;
      }
    }
    i += len;
  }
  return ack;
}

}  // namespace

InflightGate::Flow* InflightGate::find(std::uint32_t src, std::uint32_t dst, std::uint32_t ports) {
  for (auto& f : flows_)
    if (f.in_use && f.src == src && f.dst == dst && f.ports == ports) return &f;
  return nullptr;
}

InflightGate::Flow& InflightGate::slotFor(std::uint32_t src, std::uint32_t dst, std::uint32_t ports,
                                          std::uint32_t end) {
  if (Flow* f = find(src, dst, ports)) return *f;
  Flow* slot = &flows_[0];
  for (auto& f : flows_) {
    if (!f.in_use) {
      slot = &f;
      break;
    }
    if (f.used < slot->used) slot = &f;
  }
  *slot = Flow{};
  slot->src = src;
  slot->dst = dst;
  slot->ports = ports;
  slot->sent_end = slot->acked = end;
  slot->in_use = true;
  return *slot;
}

void InflightGate::sent(std::span<const std::byte> packet, Clock::time_point now) {
  auto v = viewTcp(packet);
  if (!v) return;
  std::size_t total = std::min<std::size_t>(load16(&packet[ip::kTotalLength]), packet.size());
  if (total < v->headers()) return;
  auto flags = std::to_integer<std::uint8_t>(packet[v->ip_header + tcp::kFlags]);
  std::uint32_t start = load32(&packet[v->ip_header + tcp::kSeq]);
  auto payload = static_cast<std::uint32_t>(total - v->headers());
  std::uint32_t end =
      start + payload + ((flags & tcp::kSyn) ? 1 : 0) + ((flags & tcp::kFin) ? 1 : 0);
  Key k = keyOf(packet, *v);
  Flow& f = slotFor(k.src, k.dst, k.ports, end);
  f.used = ++tick_;
  if (!after(end, f.sent_end)) {
    // Data sent again (Karn): the ACK of the segment being timed may now be
    // for either copy, so it times nothing. A bare ACK changes nothing.
    if (payload > 0) f.timing = false;
    return;
  }
  if (!f.timing && !after(f.sent_end, start)) {
    f.timing = true;
    f.timed_end = end;
    f.timed_at = now;
  }
  f.sent_end = end;
}

void InflightGate::received(std::span<const std::byte> packet, Clock::time_point now) {
  auto v = viewTcp(packet);
  if (!v) return;
  auto flags = std::to_integer<std::uint8_t>(packet[v->ip_header + tcp::kFlags]);
  if (!(flags & tcp::kAck)) return;
  Key k = keyOf(packet, *v);
  Flow* f = find(k.dst, k.src, swapPorts(k.ports));
  if (!f) return;
  if (flags & (tcp::kRst | tcp::kFin)) {
    f->in_use = false;  // the flow ends: nothing of it is waiting any more
    progress_ = now;
    return;
  }
  std::uint32_t acked = highestSacked(packet, *v, load32(&packet[v->ip_header + tcp::kAckNumber]));
  // Nothing beyond what was sent can have been received.
  if (after(acked, f->sent_end)) acked = f->sent_end;
  acknowledged(*f, acked, now);
}

void InflightGate::acknowledged(Flow& f, std::uint32_t acked, Clock::time_point now) {
  if (f.has_ack && !after(acked, f.acked)) return;
  f.acked = acked;
  f.has_ack = true;
  progress_ = now;
  if (f.timing && !after(f.timed_end, acked)) {
    f.timing = false;
    sampleRtt(now - f.timed_at, f.timed_at, now);
  }
}

void InflightGate::sampleRtt(Clock::duration rtt, Clock::time_point sent_at,
                             Clock::time_point now) {
  // A segment that left once the drain had begun met no queue of ours: its
  // round trip is the path's, whatever the old smallest one was.
  bool drained = draining_ && sent_at > drain_from_;
  if (!has_rtt_ || rtt <= min_rtt_ || drained) {
    min_rtt_ = std::max(rtt, Clock::duration(1));
    min_rtt_at_ = now;
    draining_ = false;
  }
  srtt_ = has_rtt_ ? (srtt_ * 3 + rtt) / 4 : rtt;
  has_rtt_ = true;
}

std::size_t InflightGate::outstanding() const {
  std::size_t sum = 0;
  for (const auto& f : flows_) {
    if (!f.in_use || !f.has_ack) continue;
    auto d = static_cast<std::int32_t>(f.sent_end - f.acked);
    if (d > 0) sum += static_cast<std::size_t>(d);
  }
  return sum;
}

std::size_t InflightGate::queued() const {
  if (!has_rtt_ || srtt_ <= min_rtt_) return 0;
  double waiting =
      static_cast<double>((srtt_ - min_rtt_).count()) / static_cast<double>(srtt_.count());
  return static_cast<std::size_t>(static_cast<double>(outstanding()) * waiting);
}

void InflightGate::endOverdueDrain(Clock::time_point now) {
  if (draining_ && now - drain_from_ > kDrainLimit) {
    draining_ = false;  // no segment came back in time: keep the old round trip
    min_rtt_at_ = now;
  }
}

bool InflightGate::open(Clock::time_point now) {
  endOverdueDrain(now);
  if (!draining_) {
    std::size_t q = queued();
    peak_ = std::max(peak_, q);
    if (q < budget_) return true;
    if (now - min_rtt_at_ > kMinRttWindow) {
      // It would hold on a path round trip older than 10 s: time the path
      // afresh first.
      draining_ = true;
      drain_from_ = now;
    }
  }
  if (draining_ && outstanding() < budget_ / 4) return true;
  if (now - progress_ < stall_) return false;
  // No ACK has moved for `stall`: forget what is outstanding and learn it
  // again from the next ACKs, so a flow that went quiet holds nothing up.
  for (auto& f : flows_) f.has_ack = f.timing = false;
  progress_ = now;
  return true;
}

}  // namespace bulwark::packet
