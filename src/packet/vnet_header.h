// The virtio-net header a TUN device opened with IFF_VNET_HDR puts before
// every packet (Linux <linux/virtio_net.h>, host byte order, 10 bytes). It
// tells the reader that a packet is a TCP super-packet to be cut into MSS
// segments (gso_*) or that its checksum is still to be filled in (csum_*),
// and lets the writer hand the kernel such packets in turn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace bulwark::packet {

inline constexpr std::size_t kVnetHeaderSize = 10;

inline constexpr std::uint8_t kVnetNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
inline constexpr std::uint8_t kGsoNone = 0;        // VIRTIO_NET_HDR_GSO_NONE
inline constexpr std::uint8_t kGsoTcpV4 = 1;       // VIRTIO_NET_HDR_GSO_TCPV4
inline constexpr std::uint8_t kGsoEcn = 0x80;      // VIRTIO_NET_HDR_GSO_ECN

struct VnetHeader {
  std::uint8_t flags = 0;
  std::uint8_t gso_type = kGsoNone;
  std::uint16_t hdr_len = 0;
  std::uint16_t gso_size = 0;
  std::uint16_t csum_start = 0;
  std::uint16_t csum_offset = 0;
};

std::optional<VnetHeader> parseVnetHeader(std::span<const std::byte> bytes);
void writeVnetHeader(const VnetHeader& h, std::span<std::byte, kVnetHeaderSize> out);

}  // namespace bulwark::packet
