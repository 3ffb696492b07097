#include "tls/dtls_server.h"

#include <netinet/udp.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "tls/udp_gso.h"

namespace bulwark::tls {
namespace {

constexpr long kLinkMtu = 1500;
constexpr std::size_t kMaxDatagram = 2048;
constexpr std::size_t kSealedBytes = kDtlsSendBatch * kMaxDatagram;

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

SSL_SESSION* DtlsServer::sessionCallback(SSL* ssl, const unsigned char* id, int len, int* copy) {
  auto* self = static_cast<DtlsServer*>(SSL_get_app_data(ssl));
  *copy = 0;  // OpenSSL owns what is returned
  if (self == nullptr || self->legacy_suite_ == 0 || len <= 0) return nullptr;
  const unsigned char suite[2] = {static_cast<unsigned char>(self->legacy_suite_ >> 8),
                                  static_cast<unsigned char>(self->legacy_suite_)};
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, suite);
  SSL_SESSION* s = SSL_SESSION_new();
  if (cipher == nullptr || s == nullptr ||
      SSL_SESSION_set1_id(s, id, static_cast<unsigned>(len)) != 1 ||
      SSL_SESSION_set1_master_key(s, self->master_secret_.data(), self->master_secret_.size()) !=
          1 ||
      SSL_SESSION_set_cipher(s, cipher) != 1 ||
      SSL_SESSION_set_protocol_version(s, DTLS1_2_VERSION) != 1) {
    SSL_SESSION_free(s);
    return nullptr;
  }
  return s;
}

namespace {

enum class Mode { kPsk, kLegacy };

Result<SslCtxPtr> makeDtlsContext(Mode mode) {
  SslCtxPtr ctx(SSL_CTX_new(DTLS_server_method()));
  if (!ctx) return fail("DTLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), DTLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  if (mode == Mode::kPsk) {
    // Plain PSK suites only: the client offers no (EC)DHE-PSK (anyconnect.md 5.2).
    if (SSL_CTX_set_cipher_list(ctx.get(), "PSK+AESGCM:PSK+CHACHA20") != 1)
      return fail("DTLS ciphers");
    SSL_CTX_set_psk_server_callback(ctx.get(), DtlsServer::pskCallback);
    return ctx;
  }
  // Legacy: no PSK and no certificate, so only the resumption completes. Its
  // session comes from the flow (sessionCallback), never from a cache. The
  // client (GnuTLS, no extensions) sends no extended master secret; one
  // offered anyway must not turn the resumption into a full handshake.
  if (SSL_CTX_set_cipher_list(ctx.get(), "AESGCM+kRSA:AESGCM+kECDHE+aRSA") != 1)
    return fail("DTLS ciphers");
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_EXTENDED_MASTER_SECRET);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_get_cb(ctx.get(), DtlsServer::sessionCallback);
  return ctx;
}

// A context holds no per-flow state (the PSK or master secret is found
// through the SSL's app data), so a process makes each once.
Result<SSL_CTX*> sharedDtlsContext(Mode mode) {
  static SslCtxPtr shared[2];
  SslCtxPtr& ctx = shared[mode == Mode::kPsk ? 0 : 1];
  if (!ctx) {
    auto made = makeDtlsContext(mode);
    if (!made) return fail(made.error());
    ctx = std::move(*made);
  }
  return ctx.get();
}

}  // namespace

Result<void> prepareDtlsContext() {
  for (Mode mode : {Mode::kPsk, Mode::kLegacy})
    if (auto ctx = sharedDtlsContext(mode); !ctx) return fail(ctx.error());
  return {};
}

namespace {

Result<std::pair<SslCtxPtr, SslPtr>> newDtlsSsl(Mode mode) {
  auto shared = sharedDtlsContext(mode);
  if (!shared) return fail(shared.error());
  SSL_CTX_up_ref(*shared);
  SslCtxPtr ctx(*shared);
  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl) return fail("DTLS session");
  return std::pair{std::move(ctx), std::move(ssl)};
}

}  // namespace

Result<std::unique_ptr<DtlsServer>> DtlsServer::create(const SecretBuffer& psk, UniqueFd udp) {
  if (psk.size() != kDtlsPskBytes) return fail("DTLS PSK must be 32 bytes");
  auto made = newDtlsSsl(Mode::kPsk);
  if (!made) return fail(made.error());
  std::unique_ptr<DtlsServer> self(
      new DtlsServer(std::move(made->first), std::move(made->second), std::move(udp)));
  std::memcpy(self->psk_.data(), psk.view().data(), kDtlsPskBytes);
  return self;
}

Result<std::unique_ptr<DtlsServer>> DtlsServer::resuming(const SecretBuffer& master_secret,
                                                         std::uint16_t suite, UniqueFd udp) {
  if (master_secret.size() != kDtlsMasterSecretBytes)
    return fail("DTLS master secret must be 48 bytes");
  if (suite == 0) return fail("no DTLS suite to resume");
  auto made = newDtlsSsl(Mode::kLegacy);
  if (!made) return fail(made.error());
  std::unique_ptr<DtlsServer> self(
      new DtlsServer(std::move(made->first), std::move(made->second), std::move(udp)));
  std::memcpy(self->master_secret_.data(), master_secret.view().data(), kDtlsMasterSecretBytes);
  self->legacy_suite_ = suite;
  return self;
}

DtlsServer::DtlsServer(SslCtxPtr ctx, SslPtr ssl, UniqueFd udp)
    : ctx_(std::move(ctx)), ssl_(std::move(ssl)), udp_(std::move(udp)) {
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_mem_eof_return(out_, -1);
  SSL_set_bio(ssl_.get(), in_, out_);
  SSL_set_app_data(ssl_.get(), this);
  SSL_set_accept_state(ssl_.get());
  DTLS_set_link_mtu(ssl_.get(), kLinkMtu);
}

DtlsServer::~DtlsServer() {
  secureWipe(psk_.data(), psk_.size());
  secureWipe(master_secret_.data(), master_secret_.size());
}

bool DtlsServer::flush() {
  if (!fast_ && !queued_ends_.empty()) return flushQueued();
  char* data = nullptr;
  long n = BIO_get_mem_data(out_, &data);
  if (n <= 0) return true;
  std::span bytes(reinterpret_cast<std::byte*>(data), static_cast<std::size_t>(n));
  if (fast_) {
    // After the hand-over OpenSSL may only send what cannot collide with
    // the fast path's sequence numbers and nonces.
    bytes = bytes.first(fast_->keepOpenSslRecords(bytes));
  } else if (auto last = lastEncryptedRecord(bytes)) {
    openssl_last_ = last;
  }
  bool ok = bytes.empty() ||
            ::send(udp_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(bytes.size()) ||
            errno == EAGAIN || errno == ECONNREFUSED;
  (void)BIO_reset(out_);
  return ok;
}

// The data records go on from OpenSSL's last encrypted record (its
// Finished, noted by flush()); without one, or for a suite DtlsRecordCipher
// does not do, OpenSSL keeps the whole flow.
void DtlsServer::startRecordFastPath() {
  if (!openssl_last_) return;
  auto made = DtlsRecordCipher::fromHandshake(ssl_.get(), *openssl_last_);
  if (!made || !*made) return;
  fast_ = std::move(*made);
  sealed_ = std::make_unique_for_overwrite<std::byte[]>(kSealedBytes);
}

bool DtlsServer::feed(std::span<const std::byte> datagram, const Deliver& deliver) {
  if (!fast_) return feedOpenSsl(datagram, deliver);
  std::byte copy[kMaxDatagram];
  if (datagram.size() > sizeof(copy)) return true;  // larger than any record: drop it
  std::memcpy(copy, datagram.data(), datagram.size());
  return feedOne(std::span(copy, datagram.size()), deliver);
}

// With the fast path, a datagram's records go one by one: application data
// of the flow's epoch is opened here (a forged or replayed one is dropped),
// anything else is OpenSSL's.
bool DtlsServer::feedOne(std::span<std::byte> datagram, const Deliver& deliver) {
  if (!fast_) return feedOpenSsl(datagram, deliver);
  while (!datagram.empty()) {
    auto h = parseDtlsRecordHeader(datagram);
    bool whole = h && datagram.size() - kDtlsHeaderSize >= h->length;
    std::size_t size = whole ? kDtlsHeaderSize + h->length : datagram.size();
    auto record = datagram.first(size);
    if (whole && fast_->owns(*h)) {
      if (auto plain = fast_->open(*h, record)) deliver(*plain);
    } else if (!feedOpenSsl(record, deliver)) {
      return false;
    }
    datagram = datagram.subspan(size);
  }
  return true;
}

bool DtlsServer::feedOpenSsl(std::span<const std::byte> datagram, const Deliver& deliver) {
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
    if (!flush()) return false;  // OpenSSL's Finished, before the hand-over
    startRecordFastPath();
  }
  std::byte record[kMaxDatagram];
  for (;;) {
    int n = SSL_read(ssl_.get(), record, sizeof(record));
    if (n <= 0) {
      int err = SSL_get_error(ssl_.get(), n);
      // WANT_READ (the datagram is used up) queues no error; clearing the
      // queue anyway costs a thread-state lookup per datagram.
      if (err != SSL_ERROR_WANT_READ) ERR_clear_error();
      flush();
      return err == SSL_ERROR_WANT_READ;
    }
    deliver(std::span(record, static_cast<std::size_t>(n)));
  }
}

bool DtlsServer::onReadable(const Deliver& deliver) {
  // Static: one flow is served at a time per worker, and the batch is large.
  static std::byte bufs[kDtlsBatch][kMaxDatagram];
  mmsghdr msgs[kDtlsBatch];
  iovec iov[kDtlsBatch];
  for (;;) {
    for (std::size_t i = 0; i < kDtlsBatch; ++i) {
      iov[i] = {bufs[i], kMaxDatagram};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = ::recvmmsg(udp_.get(), msgs, kDtlsBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) return errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED;
    for (int i = 0; i < n; ++i)
      if (!feedOne(std::span(bufs[i], msgs[i].msg_len), deliver)) return false;
    if (static_cast<std::size_t>(n) < kDtlsBatch) return true;
  }
}

bool DtlsServer::queue(std::span<const std::byte> record) {
  if (!established_) return false;
  if (fast_) {
    const std::size_t need = kDtlsRecordOverhead + record.size();
    if (kSealedBytes - sealed_len_ < need && !flushQueued()) return false;
    if (kSealedBytes - sealed_len_ < need) return false;  // larger than a whole batch
    std::span<std::byte> out(sealed_.get() + sealed_len_, kSealedBytes - sealed_len_);
    std::memcpy(out.data() + kDtlsRecordPrefix, record.data(), record.size());
    std::size_t size = fast_->seal(out, record.size());
    if (size == 0) return false;
    sealed_len_ += size;
    queued_ends_.push_back(sealed_len_);
  } else {
    if (SSL_write(ssl_.get(), record.data(), static_cast<int>(record.size())) <= 0) {
      ERR_clear_error();
      return false;
    }
    queued_ends_.push_back(static_cast<std::size_t>(BIO_pending(out_)));
  }
  return queued_ends_.size() < kDtlsSendBatch || flushQueued();
}

bool DtlsServer::flushQueued() {
  if (queued_ends_.empty()) return true;
  if (fast_) {
    bool ok = sendDatagrams(reinterpret_cast<char*>(sealed_.get()));
    queued_ends_.clear();
    sealed_len_ = 0;
    return ok;
  }
  char* data = nullptr;
  BIO_get_mem_data(out_, &data);
  // Anything OpenSSL wrote after the last queued record (an alert) goes last.
  auto total = static_cast<std::size_t>(BIO_pending(out_));
  if (total > queued_ends_.back()) queued_ends_.push_back(total);
  bool ok = sendDatagrams(data);
  queued_ends_.clear();
  (void)BIO_reset(out_);
  return ok;
}

// Sends the queued datagrams; with UDP GSO, a run of equal-sized ones is a
// single message. A kernel or device that refuses GSO turns it off for this
// flow and the batch goes again one datagram per message.
bool DtlsServer::sendDatagrams(char* data) {
  constexpr std::size_t kMax = kDtlsSendBatch + 1;
  union Control {
    char buf[CMSG_SPACE(sizeof(std::uint16_t))];
    cmsghdr align;
  };
  mmsghdr msgs[kMax];
  iovec iov[kMax];
  Control control[kMax];
  std::size_t count = 0;
  auto add = [&](std::size_t begin, std::size_t end, std::size_t segment) {
    iov[count] = {data + begin, end - begin};
    msgs[count] = {};
    msgs[count].msg_hdr.msg_iov = &iov[count];
    msgs[count].msg_hdr.msg_iovlen = 1;
    if (segment > 0) {
      std::memset(control[count].buf, 0, sizeof(control[count].buf));
      msgs[count].msg_hdr.msg_control = control[count].buf;
      msgs[count].msg_hdr.msg_controllen = sizeof(control[count].buf);
      cmsghdr* c = CMSG_FIRSTHDR(&msgs[count].msg_hdr);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
      auto seg = static_cast<std::uint16_t>(segment);
      std::memcpy(CMSG_DATA(c), &seg, sizeof(seg));
    }
    ++count;
  };
  if (gso_) {
    for (const GsoRun& r : planGsoRuns(queued_ends_))
      add(r.begin, r.end, r.count > 1 ? r.segment : 0);
  } else {
    std::size_t start = 0;
    for (std::size_t end : queued_ends_) add(std::exchange(start, end), end, 0);
  }
  std::size_t sent = 0;
  while (sent < count) {
    int n = ::sendmmsg(udp_.get(), msgs + sent, static_cast<unsigned>(count - sent), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (gso_ && sent == 0 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
      gso_ = false;
      return sendDatagrams(data);
    }
    // A full socket buffer drops the rest, as a router would; a refused
    // port (ICMP) is the client's business. Anything else ends the flow.
    return errno == EAGAIN || errno == ECONNREFUSED || errno == EINTR;
  }
  return true;
}

bool DtlsServer::send(std::span<const std::byte> record) {
  if (!established_) return false;
  if (!flushQueued()) return false;
  if (fast_) return queue(record) && flushQueued();
  if (SSL_write(ssl_.get(), record.data(), static_cast<int>(record.size())) <= 0) {
    ERR_clear_error();
    return false;
  }
  return flush();
}

}  // namespace bulwark::tls
