// DtlsRecordCipher: the DTLS 1.2 application-data records of an established
// flow, sealed and opened without OpenSSL's record layer (AES-GCM suites:
// PSK-AES128-GCM-SHA256, PSK-AES256-GCM-SHA384). Once the handshake is done
// the data path needs only this: one AES-GCM call per record, in place in
// the caller's buffer, with the anti-replay window of RFC 6347 4.1.2.6.
// Handshake, alerts and anything else stay with OpenSSL (tls/dtls_server.h).
//
// Keys come from the session's master secret (RFC 5246 6.3 key expansion
// with the suite's PRF hash). The server's records continue OpenSSL's: the
// sequence numbers and the explicit nonces (8 bytes, RFC 5288 3) go on from
// the last ones OpenSSL used, plus kHandOverGap for the records OpenSSL may
// still write (a retransmitted Finished); DtlsServer never sends one of
// OpenSSL's records past that gap, so no nonce is ever used twice.
//
//   auto c = DtlsRecordCipher::fromHandshake(ssl, last);   // null: not AES-GCM
//   // record = [13 header][8 nonce][plaintext n][16 tag]
//   std::size_t size = c->seal(record, n);
//   if (auto plain = c->open(header, received_record)) deliver(*plain);
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "common/error.h"
#include "tls/dtls_record.h"
#include "tls/replay_window.h"

namespace bulwark::tls {

inline constexpr std::size_t kGcmExplicitNonce = 8;
inline constexpr std::size_t kGcmTag = 16;
inline constexpr std::size_t kGcmSalt = 4;
inline constexpr std::size_t kDtlsRecordPrefix = kDtlsHeaderSize + kGcmExplicitNonce;
inline constexpr std::size_t kDtlsRecordOverhead = kDtlsRecordPrefix + kGcmTag;

// The last record OpenSSL wrote in the flow's epoch.
struct LastRecord {
  std::uint16_t epoch = 0;
  std::uint64_t sequence = 0;
  std::uint64_t nonce = 0;  // its explicit nonce, big-endian
};

// Sequence numbers (and nonces) left to OpenSSL after the hand-over.
inline constexpr std::uint64_t kHandOverGap = 16;

// Reads the last record of the highest epoch in OpenSSL's output (whole
// records); nullopt if there is none or the bytes are not whole records.
std::optional<LastRecord> lastEncryptedRecord(std::span<const std::byte> records);

class DtlsRecordCipher {
 public:
  struct Keys {
    std::span<const unsigned char> read_key, read_salt, write_key, write_salt;
  };
  // Null (no error) when the negotiated suite is not one this class does.
  static Result<std::unique_ptr<DtlsRecordCipher>> fromHandshake(SSL* ssl, const LastRecord& last);
  static Result<std::unique_ptr<DtlsRecordCipher>> fromKeys(const Keys& keys,
                                                            const LastRecord& last);
  ~DtlsRecordCipher();
  DtlsRecordCipher(const DtlsRecordCipher&) = delete;
  DtlsRecordCipher& operator=(const DtlsRecordCipher&) = delete;

  // The first sequence number and nonce this class uses; OpenSSL may use
  // the ones below (see kHandOverGap).
  [[nodiscard]] std::uint64_t firstSequence() const { return first_sequence_; }
  [[nodiscard]] std::uint64_t firstNonce() const { return first_nonce_; }

  // True for an application-data record of the flow's epoch: open() decides
  // it; anything else is OpenSSL's.
  [[nodiscard]] bool owns(const DtlsRecordHeader& h) const {
    return h.type == kDtlsApplicationData && h.epoch == epoch_;
  }

  // Compacts OpenSSL's output after the hand-over to the records it may
  // still send: older epochs, and records of this epoch whose sequence
  // number and nonce lie in the gap left to it. Returns the bytes kept.
  std::size_t keepOpenSslRecords(std::span<std::byte> records) const;

  // Seals the plaintext at record[kDtlsRecordPrefix, +n) in place: writes
  // header and nonce before it and the tag after it. Returns the record's
  // size, or 0 if the buffer is too small or the sequence is used up.
  std::size_t seal(std::span<std::byte> record, std::size_t n);

  // Opens one whole record (header and body; `h` its parsed header, owns()
  // true) in place. nullopt for a replayed, forged or malformed record: drop it.
  std::optional<std::span<const std::byte>> open(const DtlsRecordHeader& h,
                                                 std::span<std::byte> record);

 private:
  struct Contexts;
  DtlsRecordCipher(std::unique_ptr<Contexts> ctx, const LastRecord& last);

  std::unique_ptr<Contexts> ctx_;
  std::uint16_t epoch_;
  std::uint64_t first_sequence_;
  std::uint64_t first_nonce_;
  std::uint64_t next_sequence_;
  ReplayWindow window_;
};

}  // namespace bulwark::tls
