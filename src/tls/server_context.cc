#include "tls/server_context.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>

namespace bulwark::tls {
namespace {

// ---- the remote signer reachable from a key object ----

void freeSigner(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<RemoteSigner*>(ptr);
}

int ecIndex() {
  static int idx = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, freeSigner);
  return idx;
}

int rsaIndex() {
  static int idx = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, freeSigner);
  return idx;
}

// EC_KEY_METHOD sign: ask authd for a DER ECDSA signature over the digest.
int remoteEcSign(int /*type*/, const unsigned char* dgst, int dlen, unsigned char* sig,
                 unsigned int* siglen, const BIGNUM*, const BIGNUM*, EC_KEY* ec) {
  auto* signer = static_cast<RemoteSigner*>(EC_KEY_get_ex_data(ec, ecIndex()));
  if (signer == nullptr) return 0;
  ipc::SignRequest req{ipc::SignKind::kEcdsaDigest, 0,
                       std::string(reinterpret_cast<const char*>(dgst), dlen)};
  auto out = (*signer)(req);
  if (!out || out->size() > static_cast<std::size_t>(ECDSA_size(ec))) return 0;
  std::memcpy(sig, out->data(), out->size());
  *siglen = static_cast<unsigned>(out->size());
  return 1;
}

ECDSA_SIG* remoteEcSignSig(const unsigned char* dgst, int dlen, const BIGNUM* kinv, const BIGNUM* r,
                           EC_KEY* ec) {
  std::string der(static_cast<std::size_t>(ECDSA_size(ec)), '\0');
  unsigned len = 0;
  if (remoteEcSign(0, dgst, dlen, reinterpret_cast<unsigned char*>(der.data()), &len, kinv, r,
                   ec) != 1)
    return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return d2i_ECDSA_SIG(nullptr, &p, len);
}

const EC_KEY_METHOD* remoteEcMethod() {
  static EC_KEY_METHOD* m = [] {
    EC_KEY_METHOD* meth = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    int (*sign_setup)(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) = nullptr;
    EC_KEY_METHOD_get_sign(EC_KEY_OpenSSL(), nullptr, &sign_setup, nullptr);
    EC_KEY_METHOD_set_sign(meth, remoteEcSign, sign_setup, remoteEcSignSig);
    return meth;
  }();
  return m;
}

// RSA_METHOD priv_enc: OpenSSL has already built the block (PSS) or asks for
// PKCS#1 padding of a DigestInfo; authd performs the private operation.
int remoteRsaPrivEnc(int flen, const unsigned char* from, unsigned char* to, RSA* rsa,
                     int padding) {
  auto* signer = static_cast<RemoteSigner*>(RSA_get_ex_data(rsa, rsaIndex()));
  if (signer == nullptr) return -1;
  ipc::SignRequest req{ipc::SignKind::kRsaPrivate, static_cast<std::uint32_t>(padding),
                       std::string(reinterpret_cast<const char*>(from), flen)};
  auto out = (*signer)(req);
  if (!out || out->size() != static_cast<std::size_t>(RSA_size(rsa))) return -1;
  std::memcpy(to, out->data(), out->size());
  return static_cast<int>(out->size());
}

const RSA_METHOD* remoteRsaMethod() {
  static RSA_METHOD* m = [] {
    RSA_METHOD* meth = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    RSA_meth_set1_name(meth, "bulwark remote RSA");
    RSA_meth_set_priv_enc(meth, remoteRsaPrivEnc);
    return meth;
  }();
  return m;
}

Result<PkeyPtr> remoteKey(EVP_PKEY* pub, RemoteSigner signer) {
  PkeyPtr key(EVP_PKEY_new());
  if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(pub);
    if (ec == nullptr) return fail("cannot read the certificate's EC key");
    EC_KEY_set_method(ec, remoteEcMethod());
    EC_KEY_set_ex_data(ec, ecIndex(), new RemoteSigner(std::move(signer)));
    EVP_PKEY_assign_EC_KEY(key.get(), ec);
    return key;
  }
  if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA) {
    RSA* rsa = EVP_PKEY_get1_RSA(pub);
    if (rsa == nullptr) return fail("cannot read the certificate's RSA key");
    RSA_set_method(rsa, remoteRsaMethod());
    RSA_set_ex_data(rsa, rsaIndex(), new RemoteSigner(std::move(signer)));
    EVP_PKEY_assign_RSA(key.get(), rsa);
    return key;
  }
  return fail("unsupported certificate key type (use ECDSA or RSA)");
}

Result<void> loadChain(SSL_CTX* ctx, std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!leaf) return fail("no certificate in the chain PEM");
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) return fail("certificate rejected by OpenSSL");
  while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      return fail("chain certificate rejected by OpenSSL");
    }
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  return {};
}

void hardenContext(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20");
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // With no cache and no ticket key a TLS 1.3 ticket could never resume a
  // session; OpenSSL would still send two per handshake (two records, two
  // session IDs drawn) unless told to send none.
  SSL_CTX_set_num_tickets(ctx, 0);
  // Retried writes may come from a moved buffer (the tunnel's frame buffer).
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Read as many bytes as the socket has (up to a full record buffer) per
  // read(2), not a 5-byte header and then the body: two syscalls per tunnel
  // packet become about one per dozen. Callers must test SSL_has_pending.
  SSL_CTX_set_read_ahead(ctx, 1);
}

}  // namespace

Result<SslCtxPtr> makeServerContext(std::string_view cert_chain_pem, RemoteSigner signer) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return fail("SSL_CTX_new failed");
  hardenContext(ctx.get());
  if (auto r = loadChain(ctx.get(), cert_chain_pem); !r) return fail(r.error());
  EVP_PKEY* pub = SSL_CTX_get0_certificate(ctx.get()) != nullptr
                      ? X509_get0_pubkey(SSL_CTX_get0_certificate(ctx.get()))
                      : nullptr;
  if (pub == nullptr) return fail("certificate has no public key");
  auto key = remoteKey(pub, std::move(signer));
  if (!key) return fail(key.error());
  if (SSL_CTX_use_PrivateKey(ctx.get(), key->get()) != 1) {
    ERR_clear_error();
    return fail("remote key does not match the certificate");
  }
  return ctx;
}

Result<ReusableServerContext> ReusableServerContext::make(std::string_view cert_chain_pem) {
  auto slot = std::make_shared<RemoteSigner>();
  auto ctx =
      makeServerContext(cert_chain_pem, [slot](const ipc::SignRequest& req) -> Result<std::string> {
        if (!*slot) return fail("no signer bound to the context");
        return (*slot)(req);
      });
  if (!ctx) return fail(ctx.error());
  ReusableServerContext made(std::move(*ctx), std::move(slot), std::string(cert_chain_pem));
  made.spare_.reset(SSL_new(made.ctx_.get()));
  if (!made.spare_) return fail("SSL_new failed");
  return made;
}

SslPtr ReusableServerContext::takeConnection() {
  if (spare_) return std::move(spare_);
  return SslPtr(SSL_new(ctx_.get()));
}

}  // namespace bulwark::tls
