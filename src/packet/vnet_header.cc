#include "packet/vnet_header.h"

#include <cstring>

namespace bulwark::packet {
namespace {

// The TUN device uses host byte order for the 16-bit fields (we never set
// TUNSETVNETBE/LE), i.e. little-endian on every platform we build for.
std::uint16_t loadHost16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

void storeHost16(std::byte* p, std::uint16_t v) { std::memcpy(p, &v, 2); }

}  // namespace

std::optional<VnetHeader> parseVnetHeader(std::span<const std::byte> bytes) {
  if (bytes.size() < kVnetHeaderSize) return std::nullopt;
  VnetHeader h;
  h.flags = std::to_integer<std::uint8_t>(bytes[0]);
  h.gso_type = std::to_integer<std::uint8_t>(bytes[1]);
  h.hdr_len = loadHost16(&bytes[2]);
  h.gso_size = loadHost16(&bytes[4]);
  h.csum_start = loadHost16(&bytes[6]);
  h.csum_offset = loadHost16(&bytes[8]);
  return h;
}

void writeVnetHeader(const VnetHeader& h, std::span<std::byte, kVnetHeaderSize> out) {
  out[0] = std::byte{h.flags};
  out[1] = std::byte{h.gso_type};
  storeHost16(&out[2], h.hdr_len);
  storeHost16(&out[4], h.gso_size);
  storeHost16(&out[6], h.csum_start);
  storeHost16(&out[8], h.csum_offset);
}

}  // namespace bulwark::packet
