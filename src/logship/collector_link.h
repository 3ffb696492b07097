// CollectorLink: bulwark-logship's one connection to the syslog collector,
// plain TCP or TLS over it. The address is numeric (no DNS: the sandbox
// could not resolve a name, and a name would be one more thing to trust).
//
// open() connects and, in TLS mode, completes the handshake including the
// certificate and name check (tls_client.h) within a deadline; it blocks
// for at most that long, which is harmless because main never waits for
// this process. Once open, writes and reads never block: write() reports how
// much the connection took, drain() reads and discards whatever the
// collector sends (it sends nothing we use) and notices when it closes.
//
//   auto link = CollectorLink::create("127.0.0.1", 6514, ctx);   // ctx null: plain TCP
//   if (link->open(std::chrono::seconds(3))) { auto n = link->write(bytes); }
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "common/error.h"
#include "common/unique_fd.h"
#include "tls/ssl_ptr.h"

namespace bulwark::logship {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:6514", "[::1]:6514"
};

// A numeric IPv4 or IPv6 address and a port; anything else is an error.
Result<SocketAddress> numericAddress(const std::string& address, std::uint16_t port);

class CollectorLink {
 public:
  // tls == nullptr: plain TCP. The context must outlive the link.
  CollectorLink(SocketAddress address, SSL_CTX* tls) : address_(std::move(address)), tls_(tls) {}
  Result<void> open(std::chrono::milliseconds timeout);
  [[nodiscard]] bool isOpen() const { return fd_.valid(); }
  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] const std::string& describe() const { return address_.text; }
  // Bytes of `bytes` the connection took, 0 when it is full now. An error
  // means the connection is gone (and closed).
  Result<std::size_t> write(std::span<const char> bytes);
  // Call when the socket is readable. An error means the collector closed
  // the connection or broke it (and it is closed).
  Result<void> drain();
  // Best-effort close_notify in TLS mode, then close.
  void close();

 private:
  Result<void> handshake(std::chrono::steady_clock::time_point deadline);
  template <typename T>
  Result<T> broken(const std::string& why);
  SocketAddress address_;
  SSL_CTX* tls_;
  UniqueFd fd_;
  tls::SslPtr ssl_;
};

}  // namespace bulwark::logship
