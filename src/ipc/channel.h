// Channel: one end of a SOCK_SEQPACKET socketpair between two process roles.
//
// Each datagram is one frame: a 16-bit message type followed by the payload.
// The payload cap is per channel and is checked on send (a bug: abort) and on
// receive (a peer breaking the protocol: error, and the caller kills it). A
// frame carries at most the channel's fd limit (SCM_RIGHTS; 1 unless the
// channel was made for more). With passCredentials() on, every received
// frame also carries the sender's process id as the kernel saw it.
//
//   Channel ch(UniqueFd(fd), kWorkerChannelCap);
//   ch.send(encodeFrame(TunnelReady{...}), tunFd);
//   Result<Frame> f = ch.receive();   // blocking or after poll() said readable
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/unique_fd.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

struct Frame {
  std::uint16_t type = 0;
  std::vector<std::byte> payload;
  UniqueFd fd;                     // set only when the sender attached one
  std::vector<UniqueFd> more_fds;  // the 2nd, 3rd... attached fd, in order
  pid_t sender_pid = 0;            // kernel-verified; only with passCredentials()
};

// A frame ready to send: type + encoded payload.
template <typename M>
Frame encodeFrame(const M& msg) {
  Writer w;
  msg.encode(w);
  Frame f;
  f.type = static_cast<std::uint16_t>(M::kType);
  f.payload = std::move(w.buffer());
  return f;
}

// Decodes a frame whose type is already known to be M::kType.
template <typename M>
Result<M> decodeFrame(const Frame& f) {
  if (f.type != static_cast<std::uint16_t>(M::kType)) return fail("ipc: unexpected message type");
  Reader r(f.payload);
  auto m = M::decode(r);
  if (!m) return m;
  auto done = r.finish();
  if (!done) return fail(done.error());
  return m;
}

// Splits a received datagram into a Frame (pure; shared by Channel and the fuzzer).
Result<Frame> parseFrame(std::span<const std::byte> datagram, std::size_t cap);

class Channel {
 public:
  Channel() = default;
  Channel(UniqueFd fd, std::size_t cap, std::size_t max_fds = 1)
      : fd_(std::move(fd)), cap_(cap), max_fds_(max_fds) {}
  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] bool valid() const { return fd_.valid(); }

  // Sends one frame (and optionally one fd). Returns an error if the peer is gone.
  Result<void> send(const Frame& f, int pass_fd = -1);
  template <typename M>
  Result<void> sendMessage(const M& m, int pass_fd = -1) {
    return send(encodeFrame(m), pass_fd);
  }
  // Like send(), but never blocks: false when the frame does not fit into
  // the socket buffer now (the caller keeps it and tries later).
  Result<bool> trySend(const Frame& f, int pass_fd = -1);
  // trySend with several fds (at most kMaxFdsPerFrame).
  Result<bool> trySendFds(const Frame& f, std::span<const int> fds);
  // Asks the kernel to attach the sender's credentials to every frame.
  Result<void> passCredentials();
  // Receives one frame. An error means EOF, an oversized frame or a bad fd
  // attachment; the caller treats the peer as hostile or gone.
  Result<Frame> receive();
  void close() { fd_.reset(); }

 private:
  // sendmsg() of one frame; -1 with errno set on failure.
  ssize_t sendFrame(const Frame& f, std::span<const int> fds, int flags);
  UniqueFd fd_;
  std::size_t cap_ = 0;
  std::size_t max_fds_ = 1;
};

inline constexpr std::size_t kMaxFdsPerFrame = 4;

// The error message of receive() when the peer closed the channel.
inline constexpr const char* kPeerClosed = "ipc: peer closed the channel";

// Creates a SOCK_SEQPACKET|SOCK_CLOEXEC socketpair.
Result<std::pair<UniqueFd, UniqueFd>> makeChannelPair();

}  // namespace bulwark::ipc
