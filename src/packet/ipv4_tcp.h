// Field offsets and a bounds-checked view of an IPv4 packet carrying TCP,
// shared by the GSO splitter and the TCP coalescer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace bulwark::packet {

namespace ip {
inline constexpr std::size_t kTotalLength = 2;
inline constexpr std::size_t kId = 4;
inline constexpr std::size_t kFragment = 6;  // flags + fragment offset
inline constexpr std::size_t kTtl = 8;
inline constexpr std::size_t kProtocol = 9;
inline constexpr std::size_t kChecksum = 10;
inline constexpr std::size_t kSource = 12;
inline constexpr std::size_t kDestination = 16;
inline constexpr std::uint16_t kDontFragment = 0x4000;
inline constexpr std::uint16_t kMoreFragments = 0x2000;
inline constexpr std::uint16_t kOffsetMask = 0x1fff;
inline constexpr std::uint8_t kTcp = 6;
}  // namespace ip

namespace tcp {
inline constexpr std::size_t kSeq = 4;
inline constexpr std::size_t kAckNumber = 8;
inline constexpr std::size_t kDataOffset = 12;
inline constexpr std::size_t kFlags = 13;
inline constexpr std::size_t kChecksum = 16;
inline constexpr std::size_t kUrgentPointer = 18;
inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                              kUrg = 0x20, kEce = 0x40, kCwr = 0x80;
}  // namespace tcp

// Where the headers of an IPv4/TCP packet end. Nothing here checks lengths
// against the IP header's total length; callers decide what they require.
struct TcpView {
  std::size_t ip_header = 0;   // IHL * 4
  std::size_t tcp_header = 0;  // data offset * 4
  [[nodiscard]] std::size_t headers() const { return ip_header + tcp_header; }
};

// The packet's IPv4 and TCP headers if it is IPv4, protocol TCP, and both
// headers fit in the bytes given.
std::optional<TcpView> viewTcp(std::span<const std::byte> packet);

// Recomputes the IPv4 header checksum in place.
void fillIpChecksum(std::span<std::byte> packet, std::size_t ip_header);

// The TCP checksum over packet[ip_header..] with the IPv4 pseudo-header;
// the checksum field must already hold what should be summed (0 to compute).
std::uint32_t tcpSum(std::span<const std::byte> packet, std::size_t ip_header);

// True if the packet's IPv4 header and TCP checksums both verify.
bool checksumsValid(std::span<const std::byte> packet, const TcpView& view);

}  // namespace bulwark::packet
