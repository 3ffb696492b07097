// CSTP framing (anyconnect.md section 4): the 8-byte header in front of every
// packet on the TLS tunnel.
//
//   offset 0..2 "STF", 3 version 0x01, 4..5 payload length (big-endian),
//   6 type, 7 0x00
//
// decodeFrame() works on a byte stream: it returns "need more" (nullopt) until
// a whole frame is buffered, a view into the buffer otherwise, and an error
// for anything malformed (the tunnel then ends). The length is checked
// against the caller's maximum as soon as the header is in, before waiting
// for the payload.
//
//   auto f = decodeFrame(buffered, mtu);
//   if (!f) end_tunnel(f.error());  else if (*f) { use((*f)->payload); drop((*f)->consumed); }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/error.h"

namespace bulwark::anyconnect {

inline constexpr std::size_t kHeaderSize = 8;
inline constexpr std::uint8_t kVersion = 0x01;
inline constexpr std::uint8_t kLogoutCode = 0xb0;  // DISCONNECT payload byte 0 on user logout

enum class FrameType : std::uint8_t {
  kData = 0x00,
  kDpdRequest = 0x03,
  kDpdResponse = 0x04,
  kDisconnect = 0x05,
  kKeepalive = 0x07,
  kCompressedData = 0x08,  // never negotiated by Bulwark: an error on receipt
  kTerminate = 0x09,
};

struct Frame {
  FrameType type;
  std::span<const std::byte> payload;
  std::size_t consumed;  // header + payload
};

Result<std::optional<Frame>> decodeFrame(std::span<const std::byte> buffered,
                                         std::size_t max_payload);

void writeHeader(std::span<std::byte, kHeaderSize> out, FrameType type, std::uint16_t length);
std::vector<std::byte> encodeFrame(FrameType type, std::span<const std::byte> payload);

// A client DISCONNECT whose payload starts with 0xb0 is a user logout
// (anyconnect.md 6.4): the cookie must be revoked.
bool isClientLogout(std::span<const std::byte> disconnect_payload);

}  // namespace bulwark::anyconnect
