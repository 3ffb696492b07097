// The only bytes main reads from the network (architecture.md property 1):
// the session id of a DTLS ClientHello, at fixed offsets with exact length
// checks, to route a new UDP flow to the worker whose X-DTLS-App-ID it
// carries (anyconnect.md 5.4). Nothing else of the datagram is interpreted.
//
//   record header 13 bytes: type 22, version fe ff|fe fd, epoch 0, ...
//   handshake header 12 bytes: type 1 (ClientHello), ...
//   client_version 2, random 32, session_id_len 1 (offset 59), session_id
//
//   auto id = clientHelloSessionId(datagram);   // nullopt: not a first hello
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace bulwark::anyconnect {

inline constexpr std::size_t kSessionIdLengthOffset = 59;
inline constexpr std::size_t kMaxSessionId = 32;
inline constexpr std::size_t kAppIdBytes = 32;

std::optional<std::span<const std::byte>> clientHelloSessionId(std::span<const std::byte> dgram);

}  // namespace bulwark::anyconnect
