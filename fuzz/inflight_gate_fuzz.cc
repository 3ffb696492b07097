// Fuzzes InflightGate (packet/inflight_gate.h), which reads the TCP headers
// and SACK options of every packet a client sends over DTLS. The input is a
// run of records: a control byte (bit 0: from the client, else to it; bits
// 1-7: milliseconds that pass first), a 2-byte big-endian length, the packet.
// Checked after each record: what is outstanding is the sum of at most
// kFlows differences under 2^31, and what is queued is part of it; outside a
// drain the gate is open whenever the queue is under its budget, and its
// peak covers the queue; it always opens once the stall time has passed.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "packet/inflight_gate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bulwark::packet::InflightGate;
  constexpr auto kStall = std::chrono::milliseconds(5);
  InflightGate gate(4096, kStall);
  auto now = InflightGate::Clock::time_point{} + std::chrono::hours(1);
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  while (in.size() >= 3) {
    auto control = std::to_integer<unsigned>(in[0]);
    std::size_t len =
        std::to_integer<std::size_t>(in[1]) << 8 | std::to_integer<std::size_t>(in[2]);
    in = in.subspan(3);
    if (len > in.size()) len = in.size();
    auto packet = in.first(len);
    in = in.subspan(len);
    now += std::chrono::milliseconds(control >> 1);
    if (control & 1)
      gate.received(packet, now);
    else
      gate.sent(packet, now);
    std::size_t out = gate.outstanding();
    std::size_t queued = gate.queued();
    if (out >= InflightGate::kFlows * (std::size_t{1} << 31)) std::abort();
    if (queued > out) std::abort();
    bool open = gate.open(now);
    if (!open && !gate.draining() && queued < gate.budget()) std::abort();
    if (!gate.draining() && gate.peak() < queued) std::abort();
  }
  if (!gate.open(now + kStall)) std::abort();
  return 0;
}
