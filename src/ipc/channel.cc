#include "ipc/channel.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace bulwark::ipc {
namespace {
constexpr std::size_t kTypeBytes = 2;
}

Result<Frame> parseFrame(std::span<const std::byte> datagram, std::size_t cap) {
  if (datagram.size() < kTypeBytes) return fail("ipc: frame shorter than its header");
  if (datagram.size() - kTypeBytes > cap) return fail("ipc: frame over the channel cap");
  Frame f;
  f.type = static_cast<std::uint16_t>((std::to_integer<unsigned>(datagram[0]) << 8) |
                                      std::to_integer<unsigned>(datagram[1]));
  f.payload.assign(datagram.begin() + kTypeBytes, datagram.end());
  return f;
}

ssize_t Channel::sendFrame(const Frame& f, std::span<const int> fds, int flags) {
  // A frame over the cap, or with too many fds, is our own bug: abort.
  if (f.payload.size() > cap_ || fds.size() > kMaxFdsPerFrame) std::abort();
  std::byte hdr[kTypeBytes] = {std::byte(f.type >> 8), std::byte(f.type & 0xff)};
  iovec iov[2] = {{hdr, kTypeBytes}, {const_cast<std::byte*>(f.payload.data()), f.payload.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = f.payload.empty() ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerFrame)] = {};
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do {
    n = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL | flags);
  } while (n < 0 && errno == EINTR);
  return n;
}

namespace {
std::span<const int> oneFd(const int& fd) {
  return fd >= 0 ? std::span<const int>(&fd, 1) : std::span<const int>();
}
}  // namespace

Result<void> Channel::send(const Frame& f, int pass_fd) {
  if (sendFrame(f, oneFd(pass_fd), 0) < 0)
    return fail(std::string("ipc send: ") + std::strerror(errno));
  return {};
}

Result<bool> Channel::trySend(const Frame& f, int pass_fd) { return trySendFds(f, oneFd(pass_fd)); }

Result<bool> Channel::trySendFds(const Frame& f, std::span<const int> fds) {
  if (sendFrame(f, fds, MSG_DONTWAIT) >= 0) return true;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
  return fail(std::string("ipc send: ") + std::strerror(errno));
}

Result<void> Channel::passCredentials() {
  int one = 1;
  if (::setsockopt(fd_.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0)
    return fail(std::string("SO_PASSCRED: ") + std::strerror(errno));
  return {};
}

Result<Frame> Channel::receive() {
  // Not zero-filled: a 64 KiB cap would otherwise cost 16 fresh pages per
  // frame, most of them never written (recvmsg fills only what arrived).
  const std::size_t room = cap_ + kTypeBytes + 1;
  std::unique_ptr<std::byte[]> buf(new std::byte[room]);
  iovec iov{buf.get(), room};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // Room for more fds than allowed, so that an excess is seen (and closed)
  // rather than silently truncated, plus the sender's credentials.
  alignas(cmsghdr) char
      control[CMSG_SPACE(sizeof(int) * (kMaxFdsPerFrame + 4)) + CMSG_SPACE(sizeof(ucred))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  // ECONNRESET: the peer exited with our reply unread; same as a close.
  if (n == 0 || (n < 0 && errno == ECONNRESET)) return fail(kPeerClosed);
  if (n < 0) return fail(std::string("ipc receive: ") + std::strerror(errno));
  std::vector<UniqueFd> passed;
  pid_t sender = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof(cred));
      sender = cred.pid;
      continue;
    }
    if (c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      passed.emplace_back(fd);  // owned (and closed) even when refused below
    }
  }
  if (passed.size() > max_fds_) return fail("ipc: more fds attached than the channel allows");
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
    return fail("ipc: frame over the channel cap");
  auto f = parseFrame(std::span(buf.get(), static_cast<std::size_t>(n)), cap_);
  if (!f) return f;
  if (!passed.empty()) {
    f->fd = std::move(passed.front());
    for (std::size_t i = 1; i < passed.size(); ++i) f->more_fds.push_back(std::move(passed[i]));
  }
  f->sender_pid = sender;
  return f;
}

Result<std::pair<UniqueFd, UniqueFd>> makeChannelPair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return fail(std::string("socketpair: ") + std::strerror(errno));
  return std::pair{UniqueFd(sv[0]), UniqueFd(sv[1])};
}

}  // namespace bulwark::ipc
