#include "worker/tunnel.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/log.h"
#include "packet/vnet_header.h"
#include "proto/anyconnect/cstp.h"

namespace bulwark::worker {
namespace {

namespace cstp = bulwark::anyconnect;

constexpr std::size_t kRxBuffer = 64 * 1024;
constexpr std::size_t kMaxFrame = cstp::kHeaderSize + 0xffff;
constexpr int kTunBatch = 64;  // packets (segments) per wake-up
constexpr std::size_t kTunRead = packet::kVnetHeaderSize + 0xffff;
constexpr auto kStatsInterval = std::chrono::seconds(1);
// The DTLS in-flight gate opens anyway when the client's ACKs have not moved
// for this long (a flow gone quiet, or ACKs lost).
constexpr auto kGateStall = std::chrono::milliseconds(5);

// Sleeps until `t` on the monotonic clock (steady_clock's on Linux); a signal
// only ends the hold early.
void sleepUntil(std::chrono::steady_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}

}  // namespace

Tunnel::Tunnel(std::string peer, const ipc::WorkerInit& init, TlsStream& tls, GrantedTunnel granted,
               ipc::Channel& main, AuthdClient& authd)
    : peer_(std::move(peer)),
      init_(init),
      tls_(tls),
      granted_(std::move(granted)),
      main_(main),
      authd_(authd),
      rx_(kRxBuffer),
      tx_(kMaxFrame),
      tun_in_(kTunRead),
      moderation_(std::chrono::microseconds(init.rx_coalesce_us)),
      gate_(std::size_t{1024} * init.dtls_inflight_kib, kGateStall) {
  inet_pton(AF_INET, granted_.info.client_address.c_str(), &client_addr_);
  int flags = fcntl(granted_.tun.get(), F_GETFL);
  fcntl(granted_.tun.get(), F_SETFL, flags | O_NONBLOCK);
  last_rx_ = last_data_ = last_report_ = last_dtls_rx_ = woke_at_ = Clock::now();
  tls_.coalesceWrites();
  to_tun_.thinAcks(init.ack_thinning);
  if (granted_.dtls_legacy_suite != 0) {
    dtls_key_ = std::move(granted_.dtls_master_secret);
  } else if (granted_.dtls_offered) {
    // The PSK comes from the TLS connection that carried this CONNECT.
    auto psk = tls::exportDtlsPsk(tls_.ssl());
    if (psk) dtls_key_ = std::move(*psk);
  }
}

int Tunnel::run() {
  while (!done_) {
    bool want_out = tx_pending_ > 0 || !control_.empty() || read_wants_write_ || tls_.unflushed();
    // Segments of a super-packet still to send: go on without waiting.
    bool tun_backlog = !split_.done() && tx_pending_ == 0;
    auto now = Clock::now();
    bool gated = tx_pending_ == 0 && !tun_backlog && tunGated(now);
    pollfd fds[5] = {
        {tls_.fd(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0},
        {granted_.tun.get(), static_cast<short>(tx_pending_ == 0 && !gated ? POLLIN : 0), 0},
        {main_.fd(), POLLIN, 0},
        {dtls_ ? dtls_->fd() : -1, POLLIN, 0},
        {dtls_pending_ ? dtls_pending_->fd() : -1, POLLIN, 0}};
    int timeout = tun_backlog ? 0 : pollTimeoutMs(now);
    if (gated) timeout = gatedTimeoutMs(timeout, now);
    int n = tls_.pending() ? 0 : ::poll(fds, 5, timeout);
    if (n < 0 && errno != EINTR) break;
    woke_at_ = Clock::now();
    moderation_.woke(woke_at_);
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) || tls_.pending() ||
        (read_wants_write_ && (fds[0].revents & POLLOUT))) {
      if (!pumpTls()) break;
    }
    if (want_out && (fds[0].revents & POLLOUT) && !flushPending()) break;
    if (fds[3].revents != 0) pumpDtls(dtls_, false);
    if (fds[4].revents != 0) pumpDtls(dtls_pending_, true);
    // What the client sent this wake-up goes to the TUN device, coalesced.
    flushTun();
    // A gated wake-up did not poll the TUN device; the client's ACKs may have opened the gate.
    if (((fds[1].revents & POLLIN) || tun_backlog || gated) && !pumpTun()) break;
    if ((fds[2].revents & (POLLIN | POLLHUP)) && !onMainMessage()) break;
    // Everything this wake-up wrote leaves in one send().
    if (tls_.unflushed() && tls_.flush() == IoStatus::kClosed) break;
    if (!onTimer(Clock::now())) break;
    if (auto until = moderation_.hold()) sleepUntil(*until);
  }
  if (!done_) finish(close_reason_, 0);
  return 0;
}

// ---- DTLS (anyconnect.md 5) ----

void Tunnel::adoptDtlsFlow(ipc::Frame& frame) {
  auto flow = ipc::decodeFrame<ipc::DtlsFlow>(frame);
  if (!flow || !frame.fd) return;
  auto server = newDtlsFlow(std::move(frame.fd));
  if (!server) return;
  // A new flow replaces the current one only once its handshake succeeds, so
  // a forged ClientHello cannot take DTLS away from the real client.
  dtls_pending_ = std::move(*server);
  auto bytes = std::as_bytes(std::span(flow->datagram.data(), flow->datagram.size()));
  if (!dtls_pending_->feed(bytes, [this](auto r) { onDtlsRecord(r); })) dtls_pending_.reset();
}

Result<std::unique_ptr<tls::DtlsServer>> Tunnel::newDtlsFlow(UniqueFd udp) {
  if (dtls_key_.empty()) return fail("no DTLS key");
  if (granted_.dtls_legacy_suite != 0)
    return tls::DtlsServer::resuming(dtls_key_, granted_.dtls_legacy_suite, std::move(udp));
  return tls::DtlsServer::create(dtls_key_, std::move(udp));
}

void Tunnel::pumpDtls(std::unique_ptr<tls::DtlsServer>& flow, bool pending) {
  if (!flow) return;
  if (!flow->onReadable([this](auto r) { onDtlsRecord(r); })) {
    if (!pending) dtls_active_ = false;
    flow.reset();
    return;
  }
  if (pending && flow->established()) {
    spdlog::info("{}: DTLS established ({}), {}", peer_,
                 granted_.dtls_legacy_suite != 0 ? "legacy, resumed session" : "PSK-NEGOTIATE",
                 flow->recordFastPath() ? "data records sealed in the worker (AES-GCM)"
                                        : "data records through OpenSSL");
    dtls_ = std::move(flow);
    last_dtls_rx_ = Clock::now();
  }
}

void Tunnel::onDtlsRecord(std::span<const std::byte> record) {
  if (record.empty()) return;
  last_dtls_rx_ = last_rx_ = woke_at_;
  auto type = static_cast<cstp::FrameType>(std::to_integer<std::uint8_t>(record[0]));
  auto payload = record.subspan(1);
  if (type == cstp::FrameType::kData) {
    dtls_active_ = true;
    moderation_.fromClient(payload.size());
    if (writeToTun(payload)) stats_.dtls_bytes_in += payload.size();
  } else if (type == cstp::FrameType::kDpdRequest && dtls_) {
    // anyconnect.md 5.5: echo byte for byte (MTU probes rely on it).
    std::vector<std::byte> reply(record.begin(), record.end());
    reply[0] = std::byte{static_cast<std::uint8_t>(cstp::FrameType::kDpdResponse)};
    dtls_->send(reply);
  }
}

// ---- client -> gateway ----

bool Tunnel::pumpTls() {
  read_wants_write_ = false;
  for (;;) {
    std::size_t got = 0;
    IoStatus s = tls_.tryRead(rx_.span().subspan(rx_len_), got);
    if (s == IoStatus::kWantRead) return true;
    if (s == IoStatus::kWantWrite) {
      read_wants_write_ = true;
      return true;
    }
    if (s != IoStatus::kDone) {
      spdlog::info("{}: connection closed", peer_);
      close_reason_ = ipc::CloseReason::kConnectionLost;
      return false;
    }
    rx_len_ += got;
    last_rx_ = woke_at_;
    if (!handleFrames()) return false;
  }
}

bool Tunnel::handleFrames() {
  std::size_t off = 0;
  while (off < rx_len_) {
    auto frame = cstp::decodeFrame(std::span(rx_.data() + off, rx_len_ - off), granted_.info.mtu);
    if (!frame) {
      spdlog::warn("{}: bad CSTP frame: {}; ending this tunnel", peer_, frame.error().message);
      close_reason_ = ipc::CloseReason::kProtocolError;
      return false;
    }
    if (!frame->has_value()) break;  // need more bytes
    const cstp::Frame& f = **frame;
    if (!handleFrame(static_cast<std::uint8_t>(f.type), f.payload)) return false;
    off += f.consumed;
  }
  if (off > 0) {
    std::memmove(rx_.data(), rx_.data() + off, rx_len_ - off);
    rx_len_ -= off;
  }
  return true;
}

bool Tunnel::handleFrame(std::uint8_t type, std::span<const std::byte> payload) {
  switch (static_cast<cstp::FrameType>(type)) {
    case cstp::FrameType::kData:
      dtls_active_ = false;  // anyconnect.md 5.6: the client gave up on DTLS
      moderation_.fromClient(payload.size());
      writeToTun(payload);
      return true;
    case cstp::FrameType::kDpdRequest:
      queueControl(static_cast<std::uint8_t>(cstp::FrameType::kDpdResponse), payload);
      return true;
    case cstp::FrameType::kDpdResponse:
    case cstp::FrameType::kKeepalive:
      return true;
    case cstp::FrameType::kDisconnect:
      if (cstp::isClientLogout(payload)) {
        spdlog::debug("{}: client logged out", peer_);  // authd logs the session's end
        authd_.logout();
        close_reason_ = ipc::CloseReason::kClientLogout;
      } else {
        close_reason_ = ipc::CloseReason::kConnectionLost;
      }
      return false;
    default:
      spdlog::warn("{}: unexpected CSTP frame type {}; ending this tunnel", peer_, type);
      close_reason_ = ipc::CloseReason::kProtocolError;
      return false;
  }
}

bool Tunnel::writeToTun(std::span<const std::byte> packet) {
  // threat-model.md: a client may only send from the address it was given.
  std::uint32_t src = 0;
  // No IPv6 address is assigned yet, so IPv6 (e.g. router solicitations) has nowhere to go.
  if (packet.size() < 20 || (std::to_integer<unsigned>(packet[0]) >> 4) != 4) return false;
  std::memcpy(&src, packet.data() + 12, 4);
  if (src != client_addr_) {
    if (dropped_spoofed_++ == 0) spdlog::warn("{}: dropping packets with a spoofed source", peer_);
    return false;
  }
  stats_.bytes_in += packet.size();
  last_data_ = woke_at_;
  if (gate_.enabled()) gate_.received(packet, woke_at_);
  if (!to_tun_.add(packet)) {
    flushTun();
    if (!to_tun_.add(packet)) ++dropped_tun_;  // larger than any IP packet
  }
  return true;
}

void Tunnel::flushTun() {
  if (to_tun_.empty()) return;
  to_tun_.flush([this](std::span<const std::byte> write) {
    // A full TUN queue drops the packet, as a router would.
    if (::write(granted_.tun.get(), write.data(), write.size()) < 0) ++dropped_tun_;
  });
}

// ---- gateway -> client ----

bool Tunnel::pumpTun() {
  bool ok = true;
  auto out = std::span(tx_.data() + cstp::kHeaderSize, tx_.size() - cstp::kHeaderSize);
  for (int i = 0; i < kTunBatch && tx_pending_ == 0; ++i) {
    if (split_.done()) {
      if (tunGated(woke_at_)) break;
      ssize_t n = ::read(granted_.tun.get(), tun_in_.data(), tun_in_.size());
      if (n < 0) {
        ok = errno == EAGAIN || errno == EINTR;
        break;
      }
      if (n == 0) break;
      if (!split_.load(tun_in_.span().first(static_cast<std::size_t>(n)))) {
        if (dropped_offload_++ == 0) spdlog::warn("{}: dropping a malformed TUN read", peer_);
        continue;
      }
      if (split_.segments() > 1) {
        ++super_packets_;
        super_segments_ += split_.segments();
      }
    }
    std::size_t len = split_.next(out);
    if (len == 0) continue;
    stats_.bytes_out += len;
    last_data_ = woke_at_;
    if (!sendPacket(len)) {
      ok = false;
      break;
    }
  }
  // DTLS records of this wake-up leave in one sendmmsg.
  if (dtls_) dtls_->flushQueued();
  return ok;
}

// The packet is at tx_[kHeaderSize]; DTLS puts its 1-byte type right before
// it, CSTP its 8-byte header: no copy either way.
bool Tunnel::sendPacket(std::size_t len) {
  if (dtls_active_ && dtls_) {
    std::byte* record = tx_.data() + cstp::kHeaderSize - 1;
    record[0] = std::byte{static_cast<std::uint8_t>(cstp::FrameType::kData)};
    if (dtls_->queue(std::span(record, len + 1))) {
      stats_.dtls_bytes_out += len;
      if (gate_.enabled()) gate_.sent(std::span(record + 1, len), woke_at_);
      return true;
    }
  }
  cstp::writeHeader(std::span<std::byte, cstp::kHeaderSize>(tx_.data(), cstp::kHeaderSize),
                    cstp::FrameType::kData, static_cast<std::uint16_t>(len));
  tx_pending_ = cstp::kHeaderSize + len;
  return flushPending();
}

bool Tunnel::flushPending() {
  // anyconnect.md 4.3: one frame per SSL_write, i.e. per TLS record (the
  // records themselves collect in TlsStream's buffer until run() flushes).
  if (tx_pending_ > 0) {
    IoStatus s = tls_.tryWrite(std::span<const std::byte>(tx_.data(), tx_pending_));
    if (s == IoStatus::kWantWrite || s == IoStatus::kWantRead) return true;
    if (s != IoStatus::kDone) return false;
    tx_pending_ = 0;
  }
  while (!control_.empty()) {
    IoStatus s = tls_.tryWrite(control_.front());
    if (s == IoStatus::kWantWrite || s == IoStatus::kWantRead) return true;
    if (s != IoStatus::kDone) return false;
    control_.pop_front();
  }
  return true;
}

void Tunnel::queueControl(std::uint8_t type, std::span<const std::byte> payload) {
  constexpr std::size_t kMaxQueued = 64;  // a DPD flood cannot grow memory
  if (control_.size() >= kMaxQueued) return;
  control_.push_back(cstp::encodeFrame(static_cast<cstp::FrameType>(type), payload));
  if (tx_pending_ == 0) flushPending();
}

// Over DTLS, while the budget's worth or more waits in a queue at the client,
// further packets wait in the TUN device's queue (packet/inflight_gate.h).
bool Tunnel::tunGated(Clock::time_point now) {
  return gate_.enabled() && dtls_active_ && dtls_ && !gate_.open(now);
}

// A gated wake-up polls no TUN device, so it must not sleep past the time
// the gate opens by itself.
int Tunnel::gatedTimeoutMs(int timeout, Clock::time_point now) {
  ++gated_;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(gate_.reopensAt() - now).count();
  int until_open = static_cast<int>(std::max<decltype(left)>(left, 0));
  return timeout < 0 ? until_open : std::min(timeout, until_open);
}

// ---- control ----

bool Tunnel::onMainMessage() {
  auto frame = main_.receive();
  if (!frame) return false;
  if (frame->type == static_cast<std::uint16_t>(ipc::MainWorkerType::kDtlsFlow)) {
    adoptDtlsFlow(*frame);
    return true;
  }
  if (auto t = ipc::decodeFrame<ipc::Terminate>(*frame)) {
    spdlog::info("{}: terminated by the gateway: {}", peer_, t->reason);
    finish(ipc::CloseReason::kTerminated, static_cast<std::uint8_t>(cstp::FrameType::kTerminate));
    return false;
  }
  spdlog::error("unexpected message {} from main", frame->type);
  return false;
}

// Sleeps until the next thing that is due (stats while bytes move, dead-peer
// and idle deadlines), so an idle tunnel does not wake every second: that is
// what lets one box hold thousands of them.
int Tunnel::pollTimeoutMs(Clock::time_point now) const {
  auto next = now + std::chrono::seconds(60);
  auto due = [&](Clock::time_point t) { next = std::min(next, t); };
  bool unreported = stats_.bytes_in != reported_.bytes_in ||
                    stats_.bytes_out != reported_.bytes_out ||
                    stats_.dtls_bytes_in != reported_.dtls_bytes_in;
  if (unreported) due(last_report_ + kStatsInterval);
  if (init_.dpd_seconds > 0) {
    due(last_rx_ + std::chrono::seconds(3 * init_.dpd_seconds) + std::chrono::milliseconds(1));
    if (dtls_)
      due(last_dtls_rx_ + std::chrono::seconds(3 * init_.dpd_seconds) +
          std::chrono::milliseconds(1));
  }
  if (init_.idle_timeout_seconds > 0)
    due(last_data_ + std::chrono::seconds(init_.idle_timeout_seconds) +
        std::chrono::milliseconds(1));
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

bool Tunnel::onTimer(Clock::time_point now) {
  if (now - last_report_ >= kStatsInterval) sendStats();
  // DPD: the client probes every dpd seconds when idle; three silent periods = dead.
  if (init_.dpd_seconds > 0 && now - last_rx_ > std::chrono::seconds(3 * init_.dpd_seconds)) {
    spdlog::info("{}: peer dead (no traffic for {} s)", peer_, 3 * init_.dpd_seconds);
    close_reason_ = ipc::CloseReason::kConnectionLost;
    return false;
  }
  if (dtls_ && init_.dpd_seconds > 0 &&
      now - last_dtls_rx_ > std::chrono::seconds(3 * init_.dpd_seconds)) {
    spdlog::info("{}: DTLS dead; continuing over TLS", peer_);
    dtls_.reset();
    dtls_active_ = false;
  }
  if (init_.idle_timeout_seconds > 0 &&
      now - last_data_ > std::chrono::seconds(init_.idle_timeout_seconds)) {
    spdlog::info("{}: idle timeout", peer_);
    authd_.logout();
    finish(ipc::CloseReason::kIdle, static_cast<std::uint8_t>(cstp::FrameType::kTerminate));
    return false;
  }
  return true;
}

void Tunnel::sendStats() {
  last_report_ = Clock::now();
  if (stats_.bytes_in == reported_.bytes_in && stats_.bytes_out == reported_.bytes_out &&
      stats_.dtls_bytes_in == reported_.dtls_bytes_in)
    return;
  reported_ = stats_;
  (void)main_.sendMessage(stats_);
}

void Tunnel::finish(ipc::CloseReason reason, std::uint8_t frame_to_client) {
  done_ = true;
  if (frame_to_client != 0) {
    auto f = cstp::encodeFrame(static_cast<cstp::FrameType>(frame_to_client), {});
    (void)tls_.write(f, Clock::now() + std::chrono::seconds(2));
  }
  tls_.shutdown();
  (void)main_.sendMessage(ipc::TunnelClosed{reason, stats_});
  if (super_packets_ > 0 || to_tun_.runs() > 0)
    spdlog::info("{}: offload: {} super-packets cut into {} segments, {} GSO writes of {} segments",
                 peer_, super_packets_, super_segments_, to_tun_.runs(), to_tun_.runSegments());
  spdlog::info("{}: rx coalescing: {} of {} wake-ups held for bulk from the client", peer_,
               moderation_.holds(), moderation_.wakeUps());
  spdlog::info(
      "{}: ack thinning: {} of {} packets from the client were ACKs superseded in the "
      "same wake-up",
      peer_, to_tun_.acksThinned(), to_tun_.packets());
  if (gate_.enabled())
    spdlog::info(
        "{}: DTLS in-flight gate: {} wake-ups left the TUN queue unread, peak {} bytes "
        "queued at the client, round trip {} us at least, {} us lately",
        peer_, gated_, gate_.peak(),
        std::chrono::duration_cast<std::chrono::microseconds>(gate_.minRtt()).count(),
        std::chrono::duration_cast<std::chrono::microseconds>(gate_.recentRtt()).count());
  if (dropped_tun_ > 0)
    spdlog::info("{}: {} packets dropped at a full TUN queue", peer_, dropped_tun_);
  if (dropped_spoofed_ > 0)
    spdlog::warn("{}: dropped {} packets with a spoofed source", peer_, dropped_spoofed_);
  if (dropped_offload_ > 0)
    spdlog::warn("{}: dropped {} malformed TUN reads", peer_, dropped_offload_);
}

}  // namespace bulwark::worker
