// Records main keeps about its children and the sessions they serve.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include "common/event_loop.h"
#include "ipc/channel.h"
#include "ipc/main_worker.h"
#include "main/tunnel_mtu.h"

namespace bulwark::mainproc {

enum class WorkerState {
  kServing,            // TLS/HTTP/auth phase: main expects nothing from it
  kAwaitingOldTunnel,  // granted, waiting for the session's previous worker to exit
  kTunnel,             // TUN handed over: Stats/TunnelClosed permitted
  kClosing,            // sent TunnelClosed or was told to terminate
};

struct WorkerRecord {
  std::uint64_t id = 0;
  pid_t pid = 0;              // 0 until known (a forked worker announces itself)
  bool started = false;       // its WorkerStarted arrived
  bool kill_pending = false;  // killed before its pid was known
  std::string peer;
  ipc::Channel channel;
  EventLoop::Token token = 0;
  WorkerState state = WorkerState::kServing;
  std::optional<std::uint64_t> session_id;
  std::string username;  // set with the tunnel, for the audit record at its end
  ipc::Stats stats;
  std::string dtls_app_id;  // raw bytes; empty until the tunnel is up
  std::string peer_ip;      // the TCP peer's address: DTLS flows must come from it
  std::string tun_name;     // its TUN device, back to the pool when the worker is gone
  PathInfo path;            // its TCP connection's view of the path: the tunnel MTU
  bool wants_dtls = false;  // its CONNECT offered DTLS (authd's SessionGrant)
};

struct SessionRecord {
  std::uint64_t id = 0;
  std::string username;
  std::uint32_t address = 0;
  std::time_t since = 0;
  std::optional<std::uint64_t> worker_id;  // live tunnel, if any
};

}  // namespace bulwark::mainproc
