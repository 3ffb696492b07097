#include "packet/checksum.h"

#include <cstring>

namespace bulwark::packet {

std::uint32_t sumBytes(std::span<const std::byte> bytes, std::uint32_t sum) {
  std::uint64_t acc = sum;
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  // Eight bytes at a time: the sum of big-endian words equals the byte-swapped
  // sum of little-endian words once folded, so add native 32-bit halves and
  // fix the order at the end.
  std::uint64_t wide = 0;
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    wide += (v & 0xffffffffu) + (v >> 32);
    p += 8;
    n -= 8;
  }
  while (wide >> 32) wide = (wide & 0xffffffffu) + (wide >> 32);
  auto w = static_cast<std::uint32_t>(wide);
  w = (w & 0xffff) + (w >> 16);
  w = (w & 0xffff) + (w >> 16);
  // Native (little-endian) 16-bit sum -> big-endian word sum.
  auto swapped = static_cast<std::uint16_t>((w << 8) | (w >> 8));
  acc += swapped;
  while (n >= 2) {
    acc += (std::to_integer<std::uint32_t>(p[0]) << 8) | std::to_integer<std::uint32_t>(p[1]);
    p += 2;
    n -= 2;
  }
  if (n == 1) acc += std::to_integer<std::uint32_t>(p[0]) << 8;
  while (acc >> 32) acc = (acc & 0xffffffffu) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

std::uint16_t foldSum(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint32_t pseudoHeaderSum(std::span<const std::byte, 4> src, std::span<const std::byte, 4> dst,
                              std::uint8_t protocol, std::uint16_t length) {
  std::uint32_t sum = sumBytes(dst, sumBytes(src));
  return std::uint32_t{foldSum(sum)} + protocol + length;
}

std::uint16_t load16(const std::byte* p) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) |
                                    std::to_integer<unsigned>(p[1]));
}

std::uint32_t load32(const std::byte* p) {
  return (static_cast<std::uint32_t>(load16(p)) << 16) | load16(p + 2);
}

void store16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v >> 8);
  p[1] = static_cast<std::byte>(v & 0xff);
}

void store32(std::byte* p, std::uint32_t v) {
  store16(p, static_cast<std::uint16_t>(v >> 16));
  store16(p + 2, static_cast<std::uint16_t>(v & 0xffff));
}

}  // namespace bulwark::packet
