#include "tls/dtls_server.h"

#include <openssl/err.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace bulwark::tls {
namespace {

constexpr long kLinkMtu = 1500;
constexpr std::size_t kMaxDatagram = 2048;

}  // namespace

Result<SecretBuffer> exportDtlsPsk(SSL* tls) {
  unsigned char out[kDtlsPskBytes];
  // anyconnect.md 5.2: RFC 5705 exporter WITHOUT context (use_context = 0).
  if (SSL_export_keying_material(tls, out, sizeof(out), kDtlsPskLabel, std::strlen(kDtlsPskLabel),
                                 nullptr, 0, 0) != 1)
    return fail("TLS exporter failed");
  SecretBuffer psk(std::string_view(reinterpret_cast<char*>(out), sizeof(out)));
  secureWipe(out, sizeof(out));
  return psk;
}

unsigned DtlsServer::pskCallback(SSL* ssl, const char* /*identity*/, unsigned char* psk,
                                 unsigned max) {
  auto* self = static_cast<DtlsServer*>(SSL_get_app_data(ssl));
  if (self == nullptr || max < kDtlsPskBytes) return 0;
  std::memcpy(psk, self->psk_.data(), kDtlsPskBytes);
  return kDtlsPskBytes;
}

Result<std::unique_ptr<DtlsServer>> DtlsServer::create(const SecretBuffer& psk, UniqueFd udp) {
  if (psk.size() != kDtlsPskBytes) return fail("DTLS PSK must be 32 bytes");
  SslCtxPtr ctx(SSL_CTX_new(DTLS_server_method()));
  if (!ctx) return fail("DTLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), DTLS1_2_VERSION);
  // Plain PSK suites only: the client offers no (EC)DHE-PSK (anyconnect.md 5.2).
  if (SSL_CTX_set_cipher_list(ctx.get(), "PSK+AESGCM:PSK+CHACHA20") != 1) return fail("DTLS ciphers");
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_psk_server_callback(ctx.get(), pskCallback);
  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl) return fail("DTLS session");
  return std::unique_ptr<DtlsServer>(new DtlsServer(std::move(ctx), std::move(ssl), std::move(udp), psk));
}

DtlsServer::DtlsServer(SslCtxPtr ctx, SslPtr ssl, UniqueFd udp, const SecretBuffer& psk)
    : ctx_(std::move(ctx)), ssl_(std::move(ssl)), udp_(std::move(udp)) {
  std::memcpy(psk_.data(), psk.view().data(), kDtlsPskBytes);
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_mem_eof_return(out_, -1);
  SSL_set_bio(ssl_.get(), in_, out_);
  SSL_set_app_data(ssl_.get(), this);
  SSL_set_accept_state(ssl_.get());
  DTLS_set_link_mtu(ssl_.get(), kLinkMtu);
}

DtlsServer::~DtlsServer() { secureWipe(psk_.data(), psk_.size()); }

bool DtlsServer::flush() {
  char* data = nullptr;
  long n = BIO_get_mem_data(out_, &data);
  if (n <= 0) return true;
  bool ok = ::send(udp_.get(), data, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n ||
            errno == EAGAIN || errno == ECONNREFUSED;
  (void)BIO_reset(out_);
  return ok;
}

bool DtlsServer::feed(std::span<const std::byte> datagram, const Deliver& deliver) {
  BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
  if (!established_) {
    int r = SSL_do_handshake(ssl_.get());
    if (r != 1) {
      int err = SSL_get_error(ssl_.get(), r);
      ERR_clear_error();
      if (err != SSL_ERROR_WANT_READ) return false;
      return flush();
    }
    established_ = true;
    if (!flush()) return false;
  }
  std::byte record[kMaxDatagram];
  for (;;) {
    int n = SSL_read(ssl_.get(), record, sizeof(record));
    if (n <= 0) {
      int err = SSL_get_error(ssl_.get(), n);
      ERR_clear_error();
      flush();
      return err == SSL_ERROR_WANT_READ;
    }
    deliver(std::span(record, static_cast<std::size_t>(n)));
  }
}

bool DtlsServer::onReadable(const Deliver& deliver) {
  std::byte buf[kMaxDatagram];
  for (;;) {
    ssize_t n = ::recv(udp_.get(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED;
    if (!feed(std::span(buf, static_cast<std::size_t>(n)), deliver)) return false;
  }
}

bool DtlsServer::send(std::span<const std::byte> record) {
  if (!established_) return false;
  if (SSL_write(ssl_.get(), record.data(), static_cast<int>(record.size())) <= 0) {
    ERR_clear_error();
    return false;
  }
  return flush();
}

}  // namespace bulwark::tls
