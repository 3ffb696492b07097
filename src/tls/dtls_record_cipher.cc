#include "tls/dtls_record_cipher.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstring>

#include "common/secret_buffer.h"

namespace bulwark::tls {

struct DtlsRecordCipher::Contexts {
  EVP_CIPHER_CTX* seal = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* open = EVP_CIPHER_CTX_new();
  Contexts() = default;
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;
  ~Contexts() {
    EVP_CIPHER_CTX_free(seal);  // the providers wipe the key schedules
    EVP_CIPHER_CTX_free(open);
  }
};

namespace {

constexpr std::size_t kMaxKey = 32;

std::uint64_t explicitNonce(std::span<const std::byte> record) {
  return loadBigEndian(record.subspan(kDtlsHeaderSize, kGcmExplicitNonce));
}

// The 13 bytes of additional data (RFC 5246 6.2.3.3, DTLS sequence =
// epoch || sequence_number); `length` as OpenSSL's TLS AEAD mode wants it
// (the record body: it subtracts nonce and, when opening, tag).
void additionalData(std::span<std::byte, 13> aad, const DtlsRecordHeader& h, std::uint16_t length) {
  storeBigEndian(aad.subspan(0, 8), (std::uint64_t{h.epoch} << 48) | h.sequence);
  aad[8] = std::byte{h.type};
  storeBigEndian(aad.subspan(9, 2), h.version);
  storeBigEndian(aad.subspan(11, 2), length);
}

// OpenSSL's TLS AEAD mode: the additional data, then the record body in
// place. False if the tag did not match (or the call failed); a failure
// leaves nothing in the error queue, where SSL_get_error would see it later.
bool aeadInPlace(EVP_CIPHER_CTX* ctx, std::span<std::byte, 13> aad, std::span<std::byte> body) {
  auto* p = reinterpret_cast<unsigned char*>(body.data());
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_TLS1_AAD, static_cast<int>(aad.size()), aad.data()) ==
          static_cast<int>(kGcmTag) &&
      EVP_Cipher(ctx, p, p, static_cast<unsigned>(body.size())) >= 0)
    return true;  // (OpenSSL's GCM returns the whole length on success)
  ERR_clear_error();
  return false;
}

const EVP_CIPHER* gcmFor(std::size_t key_len) {
  if (key_len == 16) return EVP_aes_128_gcm();
  if (key_len == 32) return EVP_aes_256_gcm();
  return nullptr;
}

// RFC 5246 6.3: key_block = PRF(master_secret, "key expansion",
// server_random + client_random), with the suite's PRF hash.
bool keyExpansion(SSL* ssl, const EVP_MD* md, std::span<unsigned char> out) {
  unsigned char master[SSL_MAX_MASTER_KEY_LENGTH];
  unsigned char client_random[SSL3_RANDOM_SIZE];
  unsigned char server_random[SSL3_RANDOM_SIZE];
  std::size_t master_len = SSL_SESSION_get_master_key(SSL_get_session(ssl), master, sizeof(master));
  if (master_len == 0 ||
      SSL_get_client_random(ssl, client_random, sizeof(client_random)) != sizeof(client_random) ||
      SSL_get_server_random(ssl, server_random, sizeof(server_random)) != sizeof(server_random)) {
    secureWipe(master, sizeof(master));
    return false;
  }
  static constexpr char kLabel[] = "key expansion";
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
  EVP_KDF_CTX* kctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(md)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, master, master_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<char*>(kLabel),
                                        sizeof(kLabel) - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, server_random, sizeof(server_random)),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, client_random, sizeof(client_random)),
      OSSL_PARAM_construct_end()};
  bool ok = kctx != nullptr && EVP_KDF_derive(kctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(kctx);
  EVP_KDF_free(kdf);
  secureWipe(master, sizeof(master));
  return ok;
}

}  // namespace

std::optional<LastRecord> lastEncryptedRecord(std::span<const std::byte> records) {
  std::optional<LastRecord> last;
  while (!records.empty()) {
    auto h = parseDtlsRecordHeader(records);
    if (!h || records.size() - kDtlsHeaderSize < h->length) return std::nullopt;
    bool later = !last || h->epoch > last->epoch ||
                 (h->epoch == last->epoch && h->sequence > last->sequence);
    if (h->epoch > 0 && later && h->length >= kGcmExplicitNonce)
      last = LastRecord{h->epoch, h->sequence, explicitNonce(records)};
    records = records.subspan(kDtlsHeaderSize + h->length);
  }
  return last;
}

Result<std::unique_ptr<DtlsRecordCipher>> DtlsRecordCipher::fromHandshake(SSL* ssl,
                                                                          const LastRecord& last) {
  const SSL_CIPHER* suite = SSL_get_current_cipher(ssl);
  if (SSL_version(ssl) != DTLS1_2_VERSION || suite == nullptr) return nullptr;
  int nid = SSL_CIPHER_get_cipher_nid(suite);
  std::size_t key_len = nid == NID_aes_128_gcm ? 16 : nid == NID_aes_256_gcm ? 32 : 0;
  const EVP_MD* md = SSL_CIPHER_get_handshake_digest(suite);
  if (key_len == 0 || md == nullptr) return nullptr;
  // client_write_key, server_write_key, client_write_IV, server_write_IV
  // (no MAC keys for an AEAD suite).
  std::array<unsigned char, 2 * kMaxKey + 2 * kGcmSalt> block{};
  std::span<unsigned char> used(block.data(), 2 * key_len + 2 * kGcmSalt);
  if (!keyExpansion(ssl, md, used)) return fail("DTLS key expansion failed");
  Keys keys{used.subspan(0, key_len), used.subspan(2 * key_len, kGcmSalt),
            used.subspan(key_len, key_len), used.subspan(2 * key_len + kGcmSalt, kGcmSalt)};
  auto made = fromKeys(keys, last);
  secureWipe(block.data(), block.size());
  return made;
}

Result<std::unique_ptr<DtlsRecordCipher>> DtlsRecordCipher::fromKeys(const Keys& keys,
                                                                     const LastRecord& last) {
  const EVP_CIPHER* cipher = gcmFor(keys.write_key.size());
  if (cipher == nullptr || keys.read_key.size() != keys.write_key.size() ||
      keys.read_salt.size() != kGcmSalt || keys.write_salt.size() != kGcmSalt)
    return fail("DTLS record keys of the wrong size");
  if (last.sequence + 1 + kHandOverGap > kDtlsMaxSequence) return fail("DTLS sequence used up");
  auto ctx = std::make_unique<Contexts>();
  if (ctx->seal == nullptr || ctx->open == nullptr) return fail("DTLS cipher contexts");
  auto self = std::unique_ptr<DtlsRecordCipher>(new DtlsRecordCipher(std::move(ctx), last));
  // Sealing: the whole IV (salt || first nonce), which OpenSSL's TLS AEAD
  // mode then counts up by one per record (length -1 = the whole IV).
  std::array<std::byte, kGcmSalt + kGcmExplicitNonce> iv;
  std::memcpy(iv.data(), keys.write_salt.data(), kGcmSalt);
  storeBigEndian(std::span(iv).subspan(kGcmSalt), self->first_nonce_);
  Contexts& c = *self->ctx_;
  bool ok = EVP_EncryptInit_ex(c.seal, cipher, nullptr, keys.write_key.data(), nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.seal, EVP_CTRL_GCM_SET_IV_FIXED, -1, iv.data()) == 1 &&
            EVP_DecryptInit_ex(c.open, cipher, nullptr, keys.read_key.data(), nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.open, EVP_CTRL_GCM_SET_IV_FIXED, kGcmSalt,
                                const_cast<unsigned char*>(keys.read_salt.data())) == 1;
  secureWipe(iv.data(), iv.size());
  if (!ok) return fail("DTLS record cipher setup failed");
  return self;
}

DtlsRecordCipher::DtlsRecordCipher(std::unique_ptr<Contexts> ctx, const LastRecord& last)
    : ctx_(std::move(ctx)),
      epoch_(last.epoch),
      first_sequence_(last.sequence + 1 + kHandOverGap),
      first_nonce_(last.nonce + 1 + kHandOverGap),
      next_sequence_(first_sequence_) {}

DtlsRecordCipher::~DtlsRecordCipher() = default;

std::size_t DtlsRecordCipher::keepOpenSslRecords(std::span<std::byte> records) const {
  std::byte* out = records.data();
  std::size_t kept = 0;
  while (!records.empty()) {
    auto h = parseDtlsRecordHeader(records);
    if (!h || records.size() - kDtlsHeaderSize < h->length) break;
    std::size_t size = kDtlsHeaderSize + h->length;
    bool keep = h->epoch < epoch_;
    if (h->epoch == epoch_ && h->length >= kGcmExplicitNonce && h->sequence < first_sequence_) {
      keep = first_nonce_ - explicitNonce(records) - 1 <= kHandOverGap;  // from the last one on
    }
    if (keep) {
      std::memmove(out + kept, records.data(), size);
      kept += size;
    }
    records = records.subspan(size);
  }
  return kept;
}

std::size_t DtlsRecordCipher::seal(std::span<std::byte> record, std::size_t n) {
  std::size_t body = kGcmExplicitNonce + n + kGcmTag;
  if (record.size() < kDtlsHeaderSize + body || body > 0xffff || next_sequence_ > kDtlsMaxSequence)
    return 0;
  DtlsRecordHeader h{kDtlsApplicationData, kDtls12Version, epoch_, next_sequence_,
                     static_cast<std::uint16_t>(body)};
  std::array<std::byte, 13> aad;
  additionalData(aad, h, static_cast<std::uint16_t>(kGcmExplicitNonce + n));
  if (!aeadInPlace(ctx_->seal, aad, record.subspan(kDtlsHeaderSize, body))) return 0;
  writeDtlsRecordHeader(record.first<kDtlsHeaderSize>(), h);
  ++next_sequence_;
  return kDtlsHeaderSize + body;
}

std::optional<std::span<const std::byte>> DtlsRecordCipher::open(const DtlsRecordHeader& h,
                                                                 std::span<std::byte> record) {
  if (!owns(h) || h.version != kDtls12Version || record.size() != kDtlsHeaderSize + h.length ||
      h.length < kGcmExplicitNonce + kGcmTag || !window_.fresh(h.sequence))
    return std::nullopt;
  std::array<std::byte, 13> aad;
  additionalData(aad, h, h.length);
  if (!aeadInPlace(ctx_->open, aad, record.subspan(kDtlsHeaderSize))) return std::nullopt;
  window_.mark(h.sequence);
  return record.subspan(kDtlsRecordPrefix, h.length - kGcmExplicitNonce - kGcmTag);
}

}  // namespace bulwark::tls
