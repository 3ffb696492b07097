#include "proto/anyconnect/dtls_hello.h"

#include <algorithm>

namespace bulwark::anyconnect {
namespace {

constexpr std::size_t kRandomOffset = 27;
constexpr std::size_t kRandomBytes = 32;
constexpr unsigned kHandshake = 22;
constexpr unsigned kClientHello = 1;

unsigned at(std::span<const std::byte> b, std::size_t i) { return std::to_integer<unsigned>(b[i]); }

}  // namespace

std::optional<std::span<const std::byte>> clientHelloSessionId(std::span<const std::byte> d) {
  if (d.size() <= kSessionIdLengthOffset) return std::nullopt;
  if (at(d, 0) != kHandshake || at(d, 1) != 0xfe || (at(d, 2) != 0xff && at(d, 2) != 0xfd))
    return std::nullopt;
  if (at(d, 3) != 0 || at(d, 4) != 0) return std::nullopt;  // epoch 0: a first flight
  if (at(d, 13) != kClientHello) return std::nullopt;
  // ocserv rejects an all-zero random (old GnuTLS bug); so do we.
  auto random = d.subspan(kRandomOffset, kRandomBytes);
  if (std::all_of(random.begin(), random.end(), [](std::byte b) { return b == std::byte{0}; }))
    return std::nullopt;
  std::size_t len = at(d, kSessionIdLengthOffset);
  if (len == 0 || len > kMaxSessionId) return std::nullopt;
  if (d.size() < kSessionIdLengthOffset + 1 + len) return std::nullopt;
  return d.subspan(kSessionIdLengthOffset + 1, len);
}

}  // namespace bulwark::anyconnect
