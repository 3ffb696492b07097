// Size caps of every IPC channel and field. A frame or field over its cap is
// a protocol violation by the sender.
#pragma once

#include <cstddef>

namespace bulwark::ipc {

inline constexpr std::size_t kMainWorkerCap = 64 * 1024;  // WorkerInit carries the cert chain
inline constexpr std::size_t kWorkerAuthdCap = 4 * 1024;
inline constexpr std::size_t kMainAuthdCap = 4 * 1024;
inline constexpr std::size_t kMainZygoteCap = 64 * 1024;   // ZygoteInit carries the cert chain
inline constexpr std::size_t kMainLogshipCap = 64 * 1024;  // one syslog frame per datagram
inline constexpr std::size_t kCtlCap = 8 * 1024 * 1024;    // `sessions` of ~10k tunnels

inline constexpr std::size_t kMaxUsername = 256;
inline constexpr std::size_t kMaxPassword = 1024;
inline constexpr std::size_t kMaxCookie = 128;
inline constexpr std::size_t kMaxOtp = 64;
inline constexpr std::size_t kMaxBanKey = 5 + kMaxUsername;  // "user:" + name
inline constexpr std::size_t kMaxAuditText = 512;
inline constexpr std::size_t kMaxRequestPath = 256;
inline constexpr std::size_t kMaxMessageText = 512;
inline constexpr std::size_t kMaxAddressText = 64;
inline constexpr std::size_t kMaxCertChain = 60 * 1024;
inline constexpr std::size_t kMaxSignInput = 1024;
inline constexpr std::size_t kMaxListItems = 32;
inline constexpr std::size_t kMaxDatagram = 2048;
// One RFC 5424 frame of one audit record; main drops (and counts) a longer one.
inline constexpr std::size_t kMaxLogFrame = 60 * 1024;

}  // namespace bulwark::ipc
