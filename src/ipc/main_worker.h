// Messages between bulwarkd (main) and one bulwark-worker.
//
// main -> worker: WorkerInit (once, first), TunnelReady + TUN fd or
//                 TunnelRefused (only after authd granted the session),
//                 DtlsFlow + connected UDP fd (a DTLS ClientHello carrying
//                 this tunnel's App-ID arrived), Terminate.
// worker -> main: WorkerStarted (first, before the worker reads a byte from
//                 the client; main takes the worker's pid from the kernel's
//                 credentials on it), Stats (periodic, while a tunnel is up),
//                 TunnelClosed.
// Any other type, or a message out of order, makes main kill the worker.
// Sequence diagrams: docs/design/privsep.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

enum class MainWorkerType : std::uint16_t {
  kWorkerInit = 1,
  kTunnelReady = 2,
  kTunnelRefused = 3,
  kTerminate = 4,
  kDtlsFlow = 5,
  kStats = 10,
  kTunnelClosed = 11,
  kWorkerStarted = 12,
};

// Everything the worker needs to serve one connection. Public data only.
struct WorkerInit {
  static constexpr auto kType = MainWorkerType::kWorkerInit;
  std::string cert_chain_pem;  // server certificate first, then intermediates
  std::uint32_t dpd_seconds = 90;
  std::uint32_t keepalive_seconds = 32400;
  std::uint32_t idle_timeout_seconds = 0;     // 0 = none
  std::uint32_t session_timeout_seconds = 0;  // 0 = none
  std::uint32_t auth_timeout_seconds = 120;
  std::string netmask;           // of the pool, e.g. 255.255.255.0
  std::vector<std::string> dns;  // IPv4/IPv6 literals
  std::string default_domain;
  std::vector<std::string> split_include;  // "10.0.0.0/255.0.0.0"; empty = full tunnel
  std::string banner;
  std::uint32_t dtls_port = 0;             // 0: DTLS not offered
  std::vector<std::string> blocked_paths;  // mitigation policy: answered 403
  std::uint32_t rx_coalesce_us = 100;      // worker/wake_moderation.h; 0 = off
  static constexpr std::uint32_t kMaxRxCoalesceUs = 1000;
  bool ack_thinning = true;              // packet/ack_thinning.h
  std::uint32_t dtls_inflight_kib = 64;  // packet/inflight_gate.h; 0 = off
  static constexpr std::uint32_t kMaxDtlsInflightKib = 16384;
  void encode(Writer& w) const;
  static Result<WorkerInit> decode(Reader& r);
};

struct TunnelReady {
  static constexpr auto kType = MainWorkerType::kTunnelReady;
  std::uint64_t session_id = 0;
  std::string client_address;     // dotted quad leased to this session
  std::string dtls_app_id;        // hex; the ClientHello session id main routes by
  std::uint32_t mtu = 1434;       // tunnel MTU: X-CSTP-MTU, the TUN device's, kMinMtu..kMaxMtu
  std::uint32_t base_mtu = 1500;  // link MTU to the client: X-CSTP-Base-MTU
  static constexpr std::uint32_t kMinMtu = 576;
  static constexpr std::uint32_t kMaxMtu = 9000;
  void encode(Writer& w) const;
  static Result<TunnelReady> decode(Reader& r);
};

struct TunnelRefused {
  static constexpr auto kType = MainWorkerType::kTunnelRefused;
  std::string reason;
  void encode(Writer& w) const;
  static Result<TunnelRefused> decode(Reader& r);
};

// The first datagram of a DTLS flow (main read only its session id) and,
// as the fd, a UDP socket connected to the client's address and port.
struct DtlsFlow {
  static constexpr auto kType = MainWorkerType::kDtlsFlow;
  std::string datagram;
  void encode(Writer& w) const;
  static Result<DtlsFlow> decode(Reader& r);
};

struct Terminate {
  static constexpr auto kType = MainWorkerType::kTerminate;
  std::string reason;
  void encode(Writer& w) const;
  static Result<Terminate> decode(Reader& r);
};

// No payload: what matters is the sender's pid on the frame (SO_PASSCRED).
struct WorkerStarted {
  static constexpr auto kType = MainWorkerType::kWorkerStarted;
  void encode(Writer&) const {}
  static Result<WorkerStarted> decode(Reader&) { return WorkerStarted{}; }
};

struct Stats {
  static constexpr auto kType = MainWorkerType::kStats;
  std::uint64_t bytes_in = 0;        // from the client into the gateway (both channels)
  std::uint64_t bytes_out = 0;       // from the gateway to the client (both channels)
  std::uint64_t dtls_bytes_in = 0;   // the part of bytes_in that came over DTLS
  std::uint64_t dtls_bytes_out = 0;  // the part of bytes_out sent over DTLS
  void encode(Writer& w) const;
  static Result<Stats> decode(Reader& r);
};

enum class CloseReason : std::uint8_t {
  kClientLogout = 1,    // CSTP DISCONNECT 0xb0: cookie revoked
  kConnectionLost = 2,  // TLS closed/failed: session kept for reconnect
  kTerminated = 3,      // main asked
  kIdle = 4,            // idle timeout: session ended
  kProtocolError = 5,   // bad CSTP frame from the client
};

struct TunnelClosed {
  static constexpr auto kType = MainWorkerType::kTunnelClosed;
  CloseReason reason = CloseReason::kConnectionLost;
  Stats final_stats;
  void encode(Writer& w) const;
  static Result<TunnelClosed> decode(Reader& r);
};

}  // namespace bulwark::ipc
