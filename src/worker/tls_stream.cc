#include "worker/tls_stream.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace bulwark::worker {

TlsStream::TlsStream(tls::SslPtr ssl, UniqueFd sock)
    : ssl_(std::move(ssl)), sock_(std::move(sock)) {
  int flags = fcntl(sock_.get(), F_GETFL);
  fcntl(sock_.get(), F_SETFL, flags | O_NONBLOCK);
  int one = 1;
  setsockopt(sock_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  SSL_set_fd(ssl_.get(), sock_.get());
}

IoStatus TlsStream::classify(int ret) {
  if (ret > 0) return IoStatus::kDone;
  int err = SSL_get_error(ssl_.get(), ret);
  ERR_clear_error();
  switch (err) {
    case SSL_ERROR_WANT_READ:
      return IoStatus::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return IoStatus::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return IoStatus::kClosed;
    case SSL_ERROR_SYSCALL:
      return errno == EINTR ? IoStatus::kWantRead : IoStatus::kClosed;
    default:
      return IoStatus::kError;
  }
}

Result<void> TlsStream::waitFor(IoStatus s, Deadline deadline) {
  if (s == IoStatus::kClosed) return fail("connection closed");
  if (s == IoStatus::kError) return fail("TLS error");
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return fail("timed out");
  pollfd p{sock_.get(), static_cast<short>(s == IoStatus::kWantWrite ? POLLOUT : POLLIN), 0};
  int n = ::poll(&p, 1, static_cast<int>(left.count()));
  if (n == 0) return fail("timed out");
  if (n < 0 && errno != EINTR) return fail("poll failed");
  return {};
}

Result<void> TlsStream::handshake(Deadline deadline) {
  for (;;) {
    IoStatus s = classify(SSL_accept(ssl_.get()));
    if (s == IoStatus::kDone) return {};
    if (s == IoStatus::kError) return fail("TLS handshake failed");
    if (auto w = waitFor(s, deadline); !w) return w;
  }
}

Result<std::size_t> TlsStream::read(std::span<std::byte> out, Deadline deadline) {
  for (;;) {
    std::size_t got = 0;
    IoStatus s = tryRead(out, got);
    if (s == IoStatus::kDone) return got;
    if (auto w = waitFor(s, deadline); !w) return fail(w.error());
  }
}

Result<void> TlsStream::write(std::span<const std::byte> in, Deadline deadline) {
  for (;;) {
    IoStatus s = tryWrite(in);
    if (s == IoStatus::kDone) break;
    if (auto w = waitFor(s, deadline); !w) return w;
  }
  for (;;) {
    IoStatus s = flush();
    if (s == IoStatus::kDone) return {};
    if (auto w = waitFor(s, deadline); !w) return w;
  }
}

Result<void> TlsStream::write(std::string_view s, Deadline deadline) {
  return write(std::as_bytes(std::span(s.data(), s.size())), deadline);
}

IoStatus TlsStream::tryRead(std::span<std::byte> out, std::size_t& got) {
  int n = SSL_read(ssl_.get(), out.data(), static_cast<int>(out.size()));
  if (n > 0) got = static_cast<std::size_t>(n);
  return classify(n);
}

IoStatus TlsStream::tryWrite(std::span<const std::byte> in) {
  // A retried write must pass the same bytes (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
  // lets the buffer move, not change).
  return classify(SSL_write(ssl_.get(), in.data(), static_cast<int>(in.size())));
}

namespace {
constexpr long kCoalesceBytes = 64 * 1024;
}

void TlsStream::coalesceWrites() {
  BIO* sock = SSL_get_wbio(ssl_.get());
  if (BIO_method_type(sock) != BIO_TYPE_SOCKET) return;  // already coalescing
  BIO* buffer = BIO_new(BIO_f_buffer());
  if (buffer == nullptr || BIO_set_write_buffer_size(buffer, kCoalesceBytes) != 1) {
    BIO_free(buffer);
    return;  // keep writing straight to the socket
  }
  // The socket BIO stays the read BIO as well; the chain holds its own reference.
  BIO_up_ref(sock);
  BIO_push(buffer, sock);
  SSL_set0_wbio(ssl_.get(), buffer);
}

IoStatus TlsStream::flush() {
  BIO* wbio = SSL_get_wbio(ssl_.get());
  if (BIO_wpending(wbio) == 0) return IoStatus::kDone;
  if (BIO_flush(wbio) == 1) return IoStatus::kDone;
  return BIO_should_retry(wbio) ? IoStatus::kWantWrite : IoStatus::kClosed;
}

bool TlsStream::unflushed() const { return BIO_wpending(SSL_get_wbio(ssl_.get())) > 0; }

// SSL_has_pending also sees read-ahead bytes not yet decrypted, which poll()
// would never report again.
bool TlsStream::pending() const { return SSL_has_pending(ssl_.get()) == 1; }

void TlsStream::shutdown() {
  SSL_shutdown(ssl_.get());
  (void)flush();
}

}  // namespace bulwark::worker
