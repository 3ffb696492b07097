#include "release/ed25519_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace bulwark::release {

namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr readOnlyBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Copies a memory BIO's contents out. Secure-memory BIOs (BIO_s_secmem) clear
// their buffer when freed, so only the returned copy remains.
std::string bioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

Result<EvpPkeyPtr> requireEd25519(EVP_PKEY* raw, std::string_view what) {
  EvpPkeyPtr key(raw);
  ERR_clear_error();  // PEM readers leave their tries on the error queue
  if (!key) return fail("cannot parse " + std::string(what) + " (expected PEM)");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return fail(std::string(what) + " is not an Ed25519 key");
  }
  return key;
}

Result<std::string> writePublicPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return fail("cannot encode public key");
  return bioContents(bio.get());
}

}  // namespace

Result<KeyPairPem> generateKeyPair() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return fail("Ed25519 key generation failed");
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail("cannot encode private key");
  }
  std::string priv = bioContents(bio.get());
  KeyPairPem pair{SecretBuffer::take(priv), {}};
  auto pub = writePublicPem(key.get());
  if (!pub) return fail(pub.error());
  pair.public_pem = std::move(*pub);
  return pair;
}

Result<PublicKey> parsePublicKeyPem(std::string_view pem) {
  if (pem.size() > kMaxKeyPemBytes) return fail("public key file too large");
  BioPtr bio = readOnlyBio(pem);
  if (!bio) return fail("out of memory");
  auto key =
      requireEd25519(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), "public key");
  if (!key) return fail(key.error());
  return PublicKey(std::move(*key));
}

Result<PrivateKey> parsePrivateKeyPem(std::string_view pem) {
  if (pem.size() > kMaxKeyPemBytes) return fail("private key file too large");
  BioPtr bio = readOnlyBio(pem);
  if (!bio) return fail("out of memory");
  // A passphrase-protected key is refused rather than prompting: the empty
  // callback result makes decryption fail.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  auto key = requireEd25519(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr),
                            "private key");
  if (!key) return fail(key.error());
  return PrivateKey(std::move(*key));
}

Result<std::string> publicKeyPemOf(const PrivateKey& key) { return writePublicPem(key.get()); }

}  // namespace bulwark::release
