// Tunnel: the worker's packet loop once CONNECT succeeded. It moves IP
// packets between the TUN fd (from main) and CSTP frames on the TLS stream,
// answers DPD, enforces the idle timeout, reports byte counts to main, and
// ends on client DISCONNECT, a TERMINATE order from main, or a lost
// connection. No other process is on the packet path.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "common/raw_buffer.h"
#include "common/unique_fd.h"
#include "ipc/channel.h"
#include "ipc/main_worker.h"
#include "packet/gso_splitter.h"
#include "packet/inflight_gate.h"
#include "packet/tcp_coalescer.h"
#include "tls/dtls_server.h"
#include "worker/authd_client.h"
#include "worker/tls_stream.h"
#include "worker/wake_moderation.h"

namespace bulwark::worker {

struct GrantedTunnel {
  ipc::TunnelReady info;
  UniqueFd tun;
  bool dtls_offered = false;
  // Legacy DTLS (anyconnect.md 5.3): the client's X-DTLS-Master-Secret and
  // the suite the reply named. Empty: PSK-NEGOTIATE.
  SecretBuffer dtls_master_secret;
  std::uint16_t dtls_legacy_suite = 0;
};

class Tunnel {
 public:
  Tunnel(std::string peer, const ipc::WorkerInit& init, TlsStream& tls, GrantedTunnel granted,
         ipc::Channel& main, AuthdClient& authd);
  int run();

 private:
  using Clock = std::chrono::steady_clock;
  bool pumpTls();
  bool handleFrames();
  bool handleFrame(std::uint8_t type, std::span<const std::byte> payload);
  bool writeToTun(std::span<const std::byte> packet);  // false: dropped
  void flushTun();
  bool pumpTun();
  bool flushPending();
  void queueControl(std::uint8_t type, std::span<const std::byte> payload);
  bool onMainMessage();
  void adoptDtlsFlow(ipc::Frame& frame);
  Result<std::unique_ptr<tls::DtlsServer>> newDtlsFlow(UniqueFd udp);
  void onDtlsRecord(std::span<const std::byte> record);
  void pumpDtls(std::unique_ptr<tls::DtlsServer>& flow, bool pending);
  bool sendPacket(std::size_t len);
  bool onTimer(Clock::time_point now);
  [[nodiscard]] bool tunGated(Clock::time_point now);
  [[nodiscard]] int gatedTimeoutMs(int timeout, Clock::time_point now);
  [[nodiscard]] int pollTimeoutMs(Clock::time_point now) const;
  void sendStats();
  void finish(ipc::CloseReason reason, std::uint8_t frame_to_client);

  std::string peer_;
  const ipc::WorkerInit& init_;
  TlsStream& tls_;
  GrantedTunnel granted_;
  std::uint32_t client_addr_ = 0;  // network byte order, for the spoofing check
  ipc::Channel& main_;
  AuthdClient& authd_;

  RawBuffer rx_;
  std::size_t rx_len_ = 0;
  RawBuffer tx_;
  std::size_t tx_pending_ = 0;  // bytes of tx_ waiting for a retried SSL_write
  // TUN offload (packet/): reads may be 64 KiB TCP super-packets, cut into
  // segments as they are sent; writes of one wake-up are coalesced.
  RawBuffer tun_in_;
  packet::GsoSplitter split_;
  packet::TcpCoalescer to_tun_;
  std::uint64_t dropped_offload_ = 0;
  std::uint64_t super_packets_ = 0;  // TUN reads that were cut into segments
  std::uint64_t super_segments_ = 0;
  std::deque<std::vector<std::byte>> control_;
  bool read_wants_write_ = false;
  WakeModeration moderation_;
  // DTLS: what waits in a queue at the client stays under a budget
  // (packet/inflight_gate.h); 0 = no gate.
  packet::InflightGate gate_;
  std::uint64_t gated_ = 0;  // wake-ups that left the TUN queue unread

  // The PSK (PSK-NEGOTIATE) or the client's master secret (legacy mode).
  SecretBuffer dtls_key_;
  std::unique_ptr<tls::DtlsServer> dtls_;          // established flow
  std::unique_ptr<tls::DtlsServer> dtls_pending_;  // handshaking flow
  bool dtls_active_ = false;                       // the client's last data came over DTLS
  Clock::time_point last_dtls_rx_;

  ipc::Stats stats_;
  ipc::Stats reported_;
  std::uint64_t dropped_spoofed_ = 0;
  std::uint64_t dropped_tun_ = 0;
  Clock::time_point last_rx_;
  // When poll returned: the per-packet paths stamp last_rx_ and last_data_
  // with it instead of reading the clock per packet (those deadlines are in
  // seconds; a wake-up lasts microseconds).
  Clock::time_point woke_at_;
  Clock::time_point last_data_;
  Clock::time_point last_report_;
  ipc::CloseReason close_reason_ = ipc::CloseReason::kConnectionLost;
  bool done_ = false;
};

}  // namespace bulwark::worker
