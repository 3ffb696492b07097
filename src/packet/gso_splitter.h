// GsoSplitter: turns what a TUN device with checksum and TCP segmentation
// offload (IFF_VNET_HDR + TUN_F_CSUM|TUN_F_TSO4) hands over into ordinary IP
// packets for the client: a TCP super-packet of up to 64 KiB is cut into
// gso_size segments the way the kernel would (sequence numbers, IP ids,
// FIN/PSH on the last, CWR on the first, both checksums), and a packet whose
// checksum the kernel left to the device gets it filled in.
//
//   GsoSplitter split;
//   if (!split.load(read_bytes)) drop();     // not something we asked for
//   while (auto n = split.next(out)) send(out.first(n));
// The splitter refers to the loaded bytes until it is done; next() can stop
// and resume (e.g. while the TLS socket is full).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "packet/ipv4_tcp.h"

namespace bulwark::packet {

class GsoSplitter {
 public:
  // bytes = virtio-net header + packet, as read from the TUN fd. The packet
  // is modified in place when its checksum has to be filled in. False if the
  // header is malformed or asks for an offload we did not enable.
  bool load(std::span<std::byte> bytes);
  // Writes the next packet into out and returns its size; 0 when there is
  // none left, or when out is too small (the rest is then dropped).
  std::size_t next(std::span<std::byte> out);
  [[nodiscard]] bool done() const { return emitted_ >= count_; }
  [[nodiscard]] std::size_t segments() const { return count_; }

 private:
  std::size_t nextSegment(std::span<std::byte> out);
  std::size_t drop();
  std::span<std::byte> packet_;
  TcpView view_{};
  std::size_t gso_size_ = 0;  // 0: a single packet, passed as it is
  std::size_t count_ = 0;
  std::size_t emitted_ = 0;
};

}  // namespace bulwark::packet
