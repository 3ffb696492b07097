// TcpCoalescer: the client->gateway half of the TUN offload. The packets a
// worker decrypts in one wake-up collect here, and consecutive segments of
// one TCP flow leave as a single GSO packet (virtio-net header TCPV4), so
// the kernel runs its receive path once per run instead of once per segment,
// as its own GRO does for a NIC. Everything else is written as it came.
//
//   TcpCoalescer c;
//   if (!c.add(pkt)) { c.flush(write_to_tun); c.add(pkt); }
//   c.flush(write_to_tun);   // at the end of the wake-up
//
// A segment joins the run before it only if the result is exactly what the
// kernel's segmentation gives back: same addresses, ports, ack, window and
// options, IP id one higher, sequence number contiguous, both checksums
// valid, DF set, only ACK (PSH ends the run), equal sizes (a shorter one ends
// the run). So coalescing never changes what reaches the destination. The
// one exception is asked for separately: with thinAcks(true) a plain
// cumulative ACK replaces the one queued right before it when it supersedes
// it (ack_thinning.h), as a receiver's GRO would have merged them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "common/raw_buffer.h"

namespace bulwark::packet {

class TcpCoalescer {
 public:
  using Emit = std::function<void(std::span<const std::byte> vnet_packet)>;
  static constexpr std::size_t kArenaBytes = 128 * 1024;
  static constexpr std::size_t kMaxSegments = 64;

  TcpCoalescer();
  // Copies the packet in. False if it does not fit: flush, then add again.
  // A packet larger than 64 KiB never fits.
  bool add(std::span<const std::byte> packet);
  // Hands every TUN write (virtio-net header + packet) to emit, in order.
  void flush(const Emit& emit);
  [[nodiscard]] bool empty() const { return slots_.empty(); }
  // GSO packets written so far, and the segments they carried.
  [[nodiscard]] std::uint64_t runs() const { return runs_; }
  [[nodiscard]] std::uint64_t runSegments() const { return run_segments_; }
  // ACK thinning (ack_thinning.h): a pure ACK replaces the one queued right
  // before it when it supersedes it. Off unless asked for.
  void thinAcks(bool on) { thin_acks_ = on; }
  [[nodiscard]] std::uint64_t acksThinned() const { return acks_thinned_; }
  // Packets taken by add(), superseded ACKs included.
  [[nodiscard]] std::uint64_t packets() const { return packets_; }

 private:
  struct Slot {
    std::size_t offset = 0;   // of the virtio-net header in arena_
    std::size_t length = 0;   // header + packet
    std::size_t headers = 0;  // IP + TCP header bytes; 0: not a run
    std::size_t ip_header = 0;
    std::size_t segment = 0;  // payload bytes per segment
    std::size_t count = 0;
    std::uint32_t next_seq = 0;
    std::uint16_t next_id = 0;
    bool open = false;
  };
  struct Segment;  // what runnable() learnt about a packet
  static std::optional<Segment> runnable(std::span<const std::byte> packet);
  bool tryAppend(std::span<const std::byte> packet, const Segment& seg);
  bool place(std::span<const std::byte> packet);
  bool replaceSupersededAck(std::span<const std::byte> packet);
  void finish(Slot& s);
  RawBuffer arena_;
  std::size_t used_ = 0;
  std::vector<Slot> slots_;
  std::uint64_t runs_ = 0;
  std::uint64_t run_segments_ = 0;
  std::uint64_t acks_thinned_ = 0;
  std::uint64_t packets_ = 0;
  bool thin_acks_ = false;
};

}  // namespace bulwark::packet
