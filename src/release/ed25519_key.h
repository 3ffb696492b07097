// Ed25519 release-signing keys held in OpenSSL 3 EVP_PKEY objects.
//
// The private key signs manifests on the release machine and never lives on
// the gateway; the gateway only ever gets the public key. Keys travel as PEM:
// PKCS#8 ("PRIVATE KEY") for the private half, SubjectPublicKeyInfo ("PUBLIC
// KEY") for the public half. Anything that is not an Ed25519 key is refused.
//
//   Result<KeyPairPem> pair = generateKeyPair();
//   Result<PublicKey> pub = parsePublicKeyPem(pair->public_pem);
//   Result<PrivateKey> priv = parsePrivateKeyPem(pair->private_pem.view());
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::release {

inline constexpr std::size_t kMaxKeyPemBytes = 16 * 1024;

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// Distinct types so a private key cannot be passed where a public key is
// expected and the other way round.
class PublicKey {
 public:
  explicit PublicKey(EvpPkeyPtr k) : key_(std::move(k)) {}
  [[nodiscard]] EVP_PKEY* get() const { return key_.get(); }

 private:
  EvpPkeyPtr key_;
};

class PrivateKey {
 public:
  explicit PrivateKey(EvpPkeyPtr k) : key_(std::move(k)) {}
  [[nodiscard]] EVP_PKEY* get() const { return key_.get(); }

 private:
  EvpPkeyPtr key_;  // EVP_PKEY_free clears the key material
};

struct KeyPairPem {
  SecretBuffer private_pem;  // PKCS#8
  std::string public_pem;    // SubjectPublicKeyInfo
};

[[nodiscard]] Result<KeyPairPem> generateKeyPair();
[[nodiscard]] Result<PublicKey> parsePublicKeyPem(std::string_view pem);
[[nodiscard]] Result<PrivateKey> parsePrivateKeyPem(std::string_view pem);
[[nodiscard]] Result<std::string> publicKeyPemOf(const PrivateKey& key);

}  // namespace bulwark::release
