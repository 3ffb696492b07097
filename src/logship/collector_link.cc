#include "logship/collector_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "logship/tls_client.h"

namespace bulwark::logship {
namespace {

using Clock = std::chrono::steady_clock;

// Read per drain() call at the most; the collector has nothing to say.
constexpr std::size_t kDrainBytes = 16 * 1024;

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Waits until `fd` has one of `events` or the deadline passes.
Result<void> waitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return fail("timed out");
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return {};
    if (n < 0 && errno != EINTR) return fail(errnoText("poll"));
  }
}

Result<UniqueFd> connectTcp(const SocketAddress& a, Clock::time_point deadline) {
  UniqueFd fd(::socket(a.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fail(errnoText("socket"));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0) {
    if (errno != EINPROGRESS) return fail(errnoText("connect"));
    if (auto w = waitFor(fd.get(), POLLOUT, deadline); !w)
      return fail("connect: " + w.error().message);
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      return fail(errnoText("SO_ERROR"));
    if (err != 0) return fail(std::string("connect: ") + std::strerror(err));
  }
  return fd;
}

// Why a handshake failed, as precisely as OpenSSL says.
std::string handshakeError(SSL* ssl) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  std::string detail = takeOpensslError();
  return detail.empty() ? errnoText("handshake") : detail;
}

}  // namespace

Result<SocketAddress> numericAddress(const std::string& address, std::uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (port == 0) return fail("port 0");
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof(*v4);
    a.text = address + ":" + std::to_string(port);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof(*v6);
    a.text = "[" + address + "]:" + std::to_string(port);
  } else {
    return fail("'" + address + "' is not a numeric IPv4 or IPv6 address");
  }
  return a;
}

Result<void> CollectorLink::open(std::chrono::milliseconds timeout) {
  close();
  auto deadline = Clock::now() + timeout;
  auto fd = connectTcp(address_, deadline);
  if (!fd) return fail(fd.error());
  fd_ = std::move(*fd);
  if (tls_ == nullptr) return {};
  if (auto h = handshake(deadline); !h) {
    close();
    return fail("TLS: " + h.error().message);
  }
  return {};
}

Result<void> CollectorLink::handshake(Clock::time_point deadline) {
  auto ssl = newClientSession(tls_, fd_.get());
  if (!ssl) return fail(ssl.error());
  ssl_ = std::move(*ssl);
  for (;;) {
    int rc = SSL_connect(ssl_.get());
    if (rc == 1) return {};
    int err = SSL_get_error(ssl_.get(), rc);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
      return fail(handshakeError(ssl_.get()));
    short events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
    if (auto w = waitFor(fd_.get(), events, deadline); !w)
      return fail("handshake " + w.error().message);
  }
}

template <typename T>
Result<T> CollectorLink::broken(const std::string& why) {
  ssl_.reset();  // no close_notify on a broken connection
  fd_.reset();
  return fail(why);
}

Result<std::size_t> CollectorLink::write(std::span<const char> bytes) {
  if (!ssl_) {
    ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    return broken<std::size_t>(errnoText("send"));
  }
  ERR_clear_error();
  int n = SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()));
  if (n > 0) return static_cast<std::size_t>(n);
  int err = SSL_get_error(ssl_.get(), n);
  if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) return 0;
  return broken<std::size_t>("TLS write: " + takeOpensslError());
}

Result<void> CollectorLink::drain() {
  char buf[kDrainBytes];
  if (!ssl_) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) return {};
    return broken<void>(n == 0 ? "the collector closed the connection" : errnoText("recv"));
  }
  ERR_clear_error();
  int n = SSL_read(ssl_.get(), buf, sizeof(buf));
  if (n > 0) return {};
  int err = SSL_get_error(ssl_.get(), n);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return {};
  if (err == SSL_ERROR_ZERO_RETURN) return broken<void>("the collector closed the TLS session");
  std::string detail = takeOpensslError();
  return broken<void>(detail.empty() ? "the collector closed the connection"
                                     : "TLS read: " + detail);
}

void CollectorLink::close() {
  if (ssl_) SSL_shutdown(ssl_.get());
  ssl_.reset();
  fd_.reset();
}

}  // namespace bulwark::logship
