#include "ipc/channel.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

ssize_t Channel::sendFrame(const Frame& f, int pass_fd, int flags) {
  // A frame over the cap is our own bug, not the peer's: abort.
  if (f.payload.size() > cap_) std::abort();
  std::byte hdr[kTypeBytes] = {std::byte(f.type >> 8), std::byte(f.type & 0xff)};
  iovec iov[2] = {{hdr, kTypeBytes}, {const_cast<std::byte*>(f.payload.data()), f.payload.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = f.payload.empty() ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (pass_fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  ssize_t n;
  do {
    n = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL | flags);
  } while (n < 0 && errno == EINTR);
  return n;
}

Result<void> Channel::send(const Frame& f, int pass_fd) {
  if (sendFrame(f, pass_fd, 0) < 0) return fail(std::string("ipc send: ") + std::strerror(errno));
  return {};
}

Result<bool> Channel::trySend(const Frame& f, int pass_fd) {
  if (sendFrame(f, pass_fd, MSG_DONTWAIT) >= 0) return true;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
  return fail(std::string("ipc send: ") + std::strerror(errno));
}

Result<Frame> Channel::receive() {
  std::vector<std::byte> buf(cap_ + kTypeBytes + 1);
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  // ECONNRESET: the peer exited with our reply unread; same as a close.
  if (n == 0 || (n < 0 && errno == ECONNRESET)) return fail(kPeerClosed);
  if (n < 0) return fail(std::string("ipc receive: ") + std::strerror(errno));
  UniqueFd passed;
  int fd_count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (fd_count++ == 0) {
        passed.reset(fd);
      } else {
        ::close(fd);
      }
    }
  }
  if (fd_count > 1) return fail("ipc: more than one fd attached");
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
    return fail("ipc: frame over the channel cap");
  auto f = parseFrame(std::span(buf.data(), static_cast<std::size_t>(n)), cap_);
  if (!f) return f;
  f->fd = std::move(passed);
  return f;
}

Result<std::pair<UniqueFd, UniqueFd>> makeChannelPair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return fail(std::string("socketpair: ") + std::strerror(errno));
  return std::pair{UniqueFd(sv[0]), UniqueFd(sv[1])};
}

}  // namespace bulwark::ipc
