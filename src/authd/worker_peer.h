// WorkerPeer: authd's state for one worker channel, and the table of which
// request the worker may send in which state (the OpenSSH monitor idea).
// Anything not permitted is a protocol violation and the worker is killed.
//
//   fresh --SignRequest(once)--> signed --AuthPassword*--> authenticated
//                                          \--> second factor pending --AuthOtp*--/
//     \--------------------------------\--CookieCheck(once)--> tunnel --Logout-->
//
// The pending second factor belongs to this channel, that is to this one TLS
// connection: it names the user whose password was accepted, dies after
// kSecondFactorLifetime or kMaxOtpAttempts wrong codes, and yields nothing
// but the chance to send AuthOtp (no cookie exists until it succeeds).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/event_loop.h"
#include "ipc/channel.h"
#include "ipc/worker_authd.h"

namespace bulwark::authd {

inline constexpr unsigned kMaxPasswordAttempts = 3;
inline constexpr unsigned kMaxSignatures = 1;
inline constexpr unsigned kMaxOtpAttempts = 3;
inline constexpr std::chrono::seconds kSecondFactorLifetime{120};

struct PendingSecondFactor {
  std::string username;
  std::chrono::steady_clock::time_point deadline;
  unsigned failures = 0;
};

struct WorkerPeer {
  std::uint64_t worker_id = 0;
  std::string peer;          // "address:port", from main
  std::string peer_address;  // address only, the per-source throttle key
  ipc::Channel channel;
  EventLoop::Token token = 0;
  unsigned signatures = 0;
  unsigned failed_logins = 0;
  bool logged_in = false;
  std::optional<PendingSecondFactor> pending;
  bool cookie_checked = false;
  std::optional<std::uint64_t> attached_session;
};

// True if `type` is acceptable from this peer in its current state.
bool permitted(const WorkerPeer& p, ipc::WorkerAuthdType type);
// "10.0.0.2:5000" -> "10.0.0.2", "[fd00::2]:5000" -> "fd00::2".
std::string addressOfPeer(const std::string& peer);

}  // namespace bulwark::authd
