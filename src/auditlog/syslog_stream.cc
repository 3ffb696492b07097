#include "auditlog/syslog_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "auditlog/syslog_frame.h"

namespace bulwark::auditlog {
namespace {

constexpr auto kRetryEvery = std::chrono::seconds(3);
constexpr int kConnectTimeoutMs = 200;

}  // namespace

SyslogStream::SyslogStream(std::string address, std::uint16_t port, std::string hostname)
    : address_(std::move(address)), port_(port), hostname_(std::move(hostname)) {}

void SyslogStream::push(std::uint64_t seq, const std::string& record_line) {
  if (queue_.size() >= kMaxSyslogQueue) {
    // Never drop a half-sent frame: that would corrupt the framing.
    auto victim = front_sent_ > 0 && queue_.size() > 1 ? queue_.begin() + 1 : queue_.begin();
    if (victim == queue_.begin()) front_sent_ = 0;
    queue_.erase(victim);
    ++dropped_;
  }
  queue_.push_back(frameSyslog(seq, record_line, hostname_, static_cast<long>(::getpid())));
  flush();
}

void SyslogStream::tick() { flush(); }

bool SyslogStream::connectNow() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return false;
  next_attempt_ = now + kRetryEvery;
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address_.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port_);
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, address_.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port_);
    len = sizeof(*v6);
  } else {
    return false;
  }
  UniqueFd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return false;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) return false;
    pollfd p{fd.get(), POLLOUT, 0};
    int err = 0;
    socklen_t elen = sizeof(err);
    if (::poll(&p, 1, kConnectTimeoutMs) != 1 ||
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0)
      return false;
  }
  fd_ = std::move(fd);
  front_sent_ = 0;  // a frame cut by the old connection is sent again whole
  return true;
}

void SyslogStream::flush() {
  if (!fd_.valid() && (queue_.empty() || !connectNow())) return;
  while (!queue_.empty()) {
    const std::string& f = queue_.front();
    ssize_t n = ::send(fd_.get(), f.data() + front_sent_, f.size() - front_sent_,
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      fd_.reset();
      return;
    }
    front_sent_ += static_cast<std::size_t>(n);
    if (front_sent_ < f.size()) return;
    queue_.pop_front();
    front_sent_ = 0;
  }
}

}  // namespace bulwark::auditlog
