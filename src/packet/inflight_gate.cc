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
  *slot = Flow{src, dst, ports, end, end, true, false, 0};
  return *slot;
}

void InflightGate::sent(std::span<const std::byte> packet, Clock::time_point) {
  auto v = viewTcp(packet);
  if (!v) return;
  std::size_t total = std::min<std::size_t>(load16(&packet[ip::kTotalLength]), packet.size());
  if (total < v->headers()) return;
  auto flags = std::to_integer<std::uint8_t>(packet[v->ip_header + tcp::kFlags]);
  std::uint32_t end = load32(&packet[v->ip_header + tcp::kSeq]) +
                      static_cast<std::uint32_t>(total - v->headers()) +
                      ((flags & tcp::kSyn) ? 1 : 0) + ((flags & tcp::kFin) ? 1 : 0);
  Key k = keyOf(packet, *v);
  Flow& f = slotFor(k.src, k.dst, k.ports, end);
  f.used = ++tick_;
  if (after(end, f.sent_end)) f.sent_end = end;
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
  if (!f->has_ack || after(acked, f->acked)) {
    f->acked = acked;
    f->has_ack = true;
    progress_ = now;
  }
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

bool InflightGate::open(Clock::time_point now) {
  std::size_t out = outstanding();
  peak_ = std::max(peak_, out);
  if (out < budget_) return true;
  if (now - progress_ < stall_) return false;
  // No ACK has moved for `stall`: forget what is outstanding and learn it
  // again from the next ACKs, so a flow that went quiet holds nothing up.
  for (auto& f : flows_) f.has_ack = false;
  progress_ = now;
  return true;
}

}  // namespace bulwark::packet
