// TlsStream: a server-side TLS connection over a non-blocking socket, with
// deadlines for the HTTP/auth phase and non-blocking primitives for the
// tunnel loop. The only worker code that calls SSL_read/SSL_write.
//
//   TlsStream tls(std::move(ssl), UniqueFd(3));
//   tls.handshake(deadline);
//   auto n = tls.read(buf, deadline);      // blocks until data or deadline
#pragma once

#include <chrono>
#include <cstddef>
#include <span>

#include "common/error.h"
#include "common/unique_fd.h"
#include "tls/ssl_ptr.h"

namespace bulwark::worker {

using Deadline = std::chrono::steady_clock::time_point;

enum class IoStatus { kDone, kWantRead, kWantWrite, kClosed, kError };

class TlsStream {
 public:
  TlsStream(tls::SslPtr ssl, UniqueFd sock);
  [[nodiscard]] int fd() const { return sock_.get(); }
  [[nodiscard]] SSL* ssl() const { return ssl_.get(); }

  Result<void> handshake(Deadline deadline);
  // Reads at least one byte (or returns an error at EOF/deadline).
  Result<std::size_t> read(std::span<std::byte> out, Deadline deadline);
  // Writes all bytes as one SSL_write (one TLS record if <= 16 KiB).
  Result<void> write(std::span<const std::byte> in, Deadline deadline);
  Result<void> write(std::string_view s, Deadline deadline);

  // Non-blocking forms for the tunnel loop.
  IoStatus tryRead(std::span<std::byte> out, std::size_t& got);
  IoStatus tryWrite(std::span<const std::byte> in);

  // From here on, records from tryWrite() collect in a user-space buffer and
  // leave in one send() at flush() (or when the buffer fills): a batch of
  // packets costs one syscall and goes out in full TCP segments, each frame
  // still in its own TLS record. The blocking write() always flushes.
  void coalesceWrites();
  IoStatus flush();
  [[nodiscard]] bool unflushed() const;
  [[nodiscard]] bool pending() const;
  void shutdown();

 private:
  IoStatus classify(int ret);
  Result<void> waitFor(IoStatus s, Deadline deadline);
  tls::SslPtr ssl_;
  UniqueFd sock_;
};

}  // namespace bulwark::worker
