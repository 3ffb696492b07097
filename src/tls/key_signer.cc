#include "tls/key_signer.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>

namespace bulwark::tls {
namespace {

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

bool validDigestLength(std::size_t n) {
  return n == 20 || n == 28 || n == 32 || n == 48 || n == 64;
}

Result<void> checkRequest(EVP_PKEY* key, const ipc::SignRequest& req) {
  int id = EVP_PKEY_get_base_id(key);
  if (req.kind == ipc::SignKind::kEcdsaDigest) {
    if (id != EVP_PKEY_EC) return fail("ECDSA request for a non-EC key");
    if (!validDigestLength(req.data.size())) return fail("bad digest length");
    return {};
  }
  if (id != EVP_PKEY_RSA) return fail("RSA request for a non-RSA key");
  auto size = static_cast<std::size_t>(EVP_PKEY_get_size(key));
  if (req.rsa_padding == RSA_NO_PADDING && req.data.size() == size) return {};
  if (req.rsa_padding == RSA_PKCS1_PADDING && req.data.size() + 11 <= size) return {};
  return fail("bad RSA padding or input length");
}

}  // namespace

Result<KeySigner> KeySigner::load(const std::string& key_path, std::string_view cert_chain_pem) {
  FILE* f = std::fopen(key_path.c_str(), "re");
  if (f == nullptr) return fail("cannot open private key " + key_path);
  PkeyPtr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!key) {
    ERR_clear_error();
    return fail("cannot parse private key " + key_path + " (PEM, unencrypted)");
  }
  return fromKey(std::move(key), cert_chain_pem);
}

Result<KeySigner> KeySigner::fromKey(PkeyPtr key, std::string_view cert_chain_pem) {
  BioPtr bio(BIO_new_mem_buf(cert_chain_pem.data(), static_cast<int>(cert_chain_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return fail("no certificate to check the key against");
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()) != 1) {
    ERR_clear_error();
    return fail("private key does not match the certificate");
  }
  return KeySigner(std::move(key));
}

Result<std::string> KeySigner::sign(const ipc::SignRequest& req) const {
  if (auto ok = checkRequest(key_.get(), req); !ok) return fail(ok.error());
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) return fail("sign init failed");
  if (req.kind == ipc::SignKind::kRsaPrivate &&
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), static_cast<int>(req.rsa_padding)) != 1)
    return fail("bad RSA padding");
  const auto* in = reinterpret_cast<const unsigned char*>(req.data.data());
  std::size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, req.data.size()) != 1) return fail("sign failed");
  std::string out(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                    req.data.size()) != 1) {
    ERR_clear_error();
    return fail("sign failed");
  }
  out.resize(len);
  return out;
}

}  // namespace bulwark::tls
