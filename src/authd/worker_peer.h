// WorkerPeer: authd's state for one worker channel, and the table of which
// request the worker may send in which state (the OpenSSH monitor idea).
// Anything not permitted is a protocol violation and the worker is killed.
//
//   fresh --SignRequest(once)--> signed --AuthPassword*--> authenticated
//     \--------------------------------\--CookieCheck(once)--> tunnel --Logout-->
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/event_loop.h"
#include "ipc/channel.h"
#include "ipc/worker_authd.h"

namespace bulwark::authd {

inline constexpr unsigned kMaxPasswordAttempts = 3;
inline constexpr unsigned kMaxSignatures = 1;

struct WorkerPeer {
  std::uint64_t worker_id = 0;
  std::string peer;
  ipc::Channel channel;
  EventLoop::Token token = 0;
  unsigned signatures = 0;
  unsigned failed_logins = 0;
  bool logged_in = false;
  bool cookie_checked = false;
  std::optional<std::uint64_t> attached_session;
};

// True if `type` is acceptable from this peer in its current state.
bool permitted(const WorkerPeer& p, ipc::WorkerAuthdType type);

}  // namespace bulwark::authd
