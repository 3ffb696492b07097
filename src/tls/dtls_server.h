// DtlsServer: one DTLS 1.2 PSK-NEGOTIATE flow (anyconnect.md 5.2) on a UDP
// socket already connected to the client. The key is the TLS exporter of the
// connection that carried CONNECT (label EXPORTER-openconnect-psk, no
// context, 32 bytes); the client's PSK identity is ignored. OpenSSL runs on
// memory BIOs, so the ClientHello main already read can be fed in first.
// Legacy mode (anyconnect.md 5.3, `resuming`): no PSK; the ClientHello's
// session id is answered as a resumed session with the client's master
// secret (sent in X-DTLS-Master-Secret over TLS) and the suite the CONNECT
// reply named, and nothing else completes (no certificate, no PSK).
//
//   auto psk = exportDtlsPsk(tls_ssl);
//   auto d = DtlsServer::create(*psk, std::move(udp_fd));
//   auto d = DtlsServer::resuming(master_secret, suite_id, std::move(udp_fd));  // legacy
//   d->feed(first_datagram, deliver);   // handshake progresses
//   d->onReadable(deliver);             // later datagrams; deliver(record)
//   d->send(record);                    // one DTLS record per call
//   d->queue(r1); d->queue(r2); d->flushQueued();   // one sendmmsg for many
// Datagrams are read with recvmmsg in batches of kDtlsBatch and sent with one
// sendmmsg per batch, equal-sized runs as single UDP GSO messages
// (tls/udp_gso.h), so a busy tunnel costs far less than one syscall per packet.
// Once the handshake is done, application-data records of an AES-GCM suite
// are sealed and opened by DtlsRecordCipher in place, in this class's
// buffers, and OpenSSL sees only the rest (alerts, a retransmitted Finished).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/secret_buffer.h"
#include "common/unique_fd.h"
#include "tls/dtls_record_cipher.h"
#include "tls/ssl_ptr.h"

namespace bulwark::tls {

inline constexpr std::size_t kDtlsPskBytes = 32;
inline constexpr std::size_t kDtlsMasterSecretBytes = 48;
inline constexpr const char* kDtlsPskLabel = "EXPORTER-openconnect-psk";

Result<SecretBuffer> exportDtlsPsk(SSL* tls);

// Makes the process's one DTLS context now (the worker zygote, so that its
// workers inherit it) rather than at the first flow.
Result<void> prepareDtlsContext();

class DtlsServer {
 public:
  using Deliver = std::function<void(std::span<const std::byte> record)>;
  static Result<std::unique_ptr<DtlsServer>> create(const SecretBuffer& psk, UniqueFd udp);
  static Result<std::unique_ptr<DtlsServer>> resuming(const SecretBuffer& master_secret,
                                                      std::uint16_t suite, UniqueFd udp);
  ~DtlsServer();

  [[nodiscard]] int fd() const { return udp_.get(); }
  [[nodiscard]] bool established() const { return established_; }
  // True once data records bypass OpenSSL's record layer (AES-GCM suites).
  [[nodiscard]] bool recordFastPath() const { return fast_ != nullptr; }
  // Processes one datagram; false if the flow failed (drop it).
  bool feed(std::span<const std::byte> datagram, const Deliver& deliver);
  // Reads every queued datagram from the socket; false if the flow failed.
  bool onReadable(const Deliver& deliver);
  // Sends one record (type byte + payload); false if it could not be sent.
  bool send(std::span<const std::byte> record);
  // Encrypts one record into the outgoing batch; flushQueued() sends the
  // batch (it also runs by itself when the batch is full).
  bool queue(std::span<const std::byte> record);
  bool flushQueued();

  // The context's PSK callback: the PSK of the DtlsServer in the SSL's app data.
  static unsigned pskCallback(SSL* ssl, const char* identity, unsigned char* psk, unsigned max);
  // The context's session-cache lookup: in legacy mode, the session the
  // client resumes, made for the id it asked for; otherwise none.
  static SSL_SESSION* sessionCallback(SSL* ssl, const unsigned char* id, int len, int* copy);

 private:
  DtlsServer(SslCtxPtr ctx, SslPtr ssl, UniqueFd udp);
  bool flush();
  bool sendDatagrams(char* data);
  bool feedOne(std::span<std::byte> datagram, const Deliver& deliver);
  bool feedOpenSsl(std::span<const std::byte> datagram, const Deliver& deliver);
  void startRecordFastPath();

  SslCtxPtr ctx_;
  SslPtr ssl_;
  UniqueFd udp_;
  BIO* in_ = nullptr;                                                  // owned by ssl_
  BIO* out_ = nullptr;                                                 // owned by ssl_
  std::array<unsigned char, kDtlsPskBytes> psk_{};                     // PSK mode
  std::array<unsigned char, kDtlsMasterSecretBytes> master_secret_{};  // legacy mode
  std::uint16_t legacy_suite_ = 0;                                     // 0: PSK mode
  bool established_ = false;
  std::vector<std::size_t> queued_ends_;    // end of each queued record in out_ or sealed_
  bool gso_ = true;                         // UDP_SEGMENT until the kernel refuses it
  std::optional<LastRecord> openssl_last_;  // OpenSSL's last encrypted record so far
  std::unique_ptr<DtlsRecordCipher> fast_;
  std::unique_ptr<std::byte[]> sealed_;  // queued records sealed by fast_
  std::size_t sealed_len_ = 0;
};

inline constexpr std::size_t kDtlsBatch = 16;      // datagrams per recvmmsg
inline constexpr std::size_t kDtlsSendBatch = 32;  // records per flushQueued

}  // namespace bulwark::tls
