#include "proto/anyconnect/cstp.h"

#include <cstring>

namespace bulwark::anyconnect {
namespace {

bool knownType(std::uint8_t t) {
  switch (static_cast<FrameType>(t)) {
    case FrameType::kData:
    case FrameType::kDpdRequest:
    case FrameType::kDpdResponse:
    case FrameType::kDisconnect:
    case FrameType::kKeepalive:
    case FrameType::kTerminate:
      return true;
    default:
      return false;
  }
}

std::uint8_t at(std::span<const std::byte> b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b[i]);
}

}  // namespace

Result<std::optional<Frame>> decodeFrame(std::span<const std::byte> buffered,
                                         std::size_t max_payload) {
  if (buffered.size() < kHeaderSize) return std::optional<Frame>{};
  if (at(buffered, 0) != 'S' || at(buffered, 1) != 'T' || at(buffered, 2) != 'F')
    return fail("bad CSTP magic");
  if (at(buffered, 3) != kVersion) return fail("bad CSTP version");
  if (at(buffered, 7) != 0) return fail("CSTP header byte 7 is not zero");
  std::uint8_t type = at(buffered, 6);
  if (type == static_cast<std::uint8_t>(FrameType::kCompressedData))
    return fail("compressed CSTP frame, but compression was not negotiated");
  if (!knownType(type)) return fail("unknown CSTP frame type " + std::to_string(type));
  std::size_t len = (static_cast<std::size_t>(at(buffered, 4)) << 8) | at(buffered, 5);
  if (len > max_payload) return fail("CSTP frame longer than the tunnel MTU");
  if (buffered.size() < kHeaderSize + len) return std::optional<Frame>{};
  return std::optional<Frame>{
      Frame{static_cast<FrameType>(type), buffered.subspan(kHeaderSize, len), kHeaderSize + len}};
}

void writeHeader(std::span<std::byte, kHeaderSize> out, FrameType type, std::uint16_t length) {
  out[0] = std::byte{'S'};
  out[1] = std::byte{'T'};
  out[2] = std::byte{'F'};
  out[3] = std::byte{kVersion};
  out[4] = std::byte(length >> 8);
  out[5] = std::byte(length & 0xff);
  out[6] = std::byte(static_cast<std::uint8_t>(type));
  out[7] = std::byte{0};
}

std::vector<std::byte> encodeFrame(FrameType type, std::span<const std::byte> payload) {
  std::vector<std::byte> out(kHeaderSize + payload.size());
  writeHeader(std::span<std::byte, kHeaderSize>(out.data(), kHeaderSize), type,
              static_cast<std::uint16_t>(payload.size()));
  if (!payload.empty()) std::memcpy(out.data() + kHeaderSize, payload.data(), payload.size());
  return out;
}

bool isClientLogout(std::span<const std::byte> p) {
  return !p.empty() && std::to_integer<std::uint8_t>(p[0]) == kLogoutCode;
}

}  // namespace bulwark::anyconnect
