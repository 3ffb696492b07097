// The Internet checksum (RFC 1071) as the offload code needs it: a running
// 32-bit sum over byte ranges, folded to 16 bits at the end.
//
//   std::uint32_t s = sumBytes(header);
//   s = sumBytes(payload, s);
//   std::uint16_t field = finishChecksum(s);   // value for the header field
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bulwark::packet {

// Adds the bytes, read as big-endian 16-bit words (an odd last byte is the
// high half of a word), to sum. The ranges of one checksum must each start at
// an even offset of the summed region, except the last.
std::uint32_t sumBytes(std::span<const std::byte> bytes, std::uint32_t sum = 0);

// Folds the carries into 16 bits.
std::uint16_t foldSum(std::uint32_t sum);

// The checksum field value: the complement of the folded sum.
inline std::uint16_t finishChecksum(std::uint32_t sum) {
  return static_cast<std::uint16_t>(~foldSum(sum));
}

// Sum of the IPv4 pseudo-header for TCP/UDP (addresses as in the packet,
// network byte order in memory).
std::uint32_t pseudoHeaderSum(std::span<const std::byte, 4> src, std::span<const std::byte, 4> dst,
                              std::uint8_t protocol, std::uint16_t length);

std::uint16_t load16(const std::byte* p);
std::uint32_t load32(const std::byte* p);
void store16(std::byte* p, std::uint16_t v);
void store32(std::byte* p, std::uint32_t v);

}  // namespace bulwark::packet
