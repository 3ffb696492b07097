// The worker's TLS server context signs through a callback (in production an
// IPC call to authd): real handshakes with TLS 1.2 and 1.3, EC and RSA keys.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tls/key_signer.h"
#include "tls/server_context.h"

namespace bulwark::tls {
namespace {

PkeyPtr makeKey(bool ec) {
  return PkeyPtr(ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048));
}

std::string selfSignedPem(EVP_PKEY* key) {
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("bulwark.test"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509_sign(x.get(), key, EVP_sha256());
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, len);
}

struct Outcome {
  bool server_ok = false;
  bool client_ok = false;
  int signatures = 0;
};

Outcome handshake(bool ec, int version, bool corrupt_signature = false) {
  PkeyPtr key = makeKey(ec);
  std::string pem = selfSignedPem(key.get());
  auto signer = KeySigner::fromKey(std::move(key), pem);
  EXPECT_TRUE(signer);
  Outcome out;
  auto ctx = makeServerContext(pem, [&](const ipc::SignRequest& req) -> Result<std::string> {
    ++out.signatures;
    auto sig = signer->sign(req);
    if (sig && corrupt_signature) (*sig)[sig->size() / 2] ^= 0x5a;
    return sig;
  });
  EXPECT_TRUE(ctx) << (ctx ? "" : ctx.error().message);
  if (!ctx) return out;
  SSL_CTX_set_min_proto_version(ctx->get(), version);
  SSL_CTX_set_max_proto_version(ctx->get(), version);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  std::thread client([&] {
    SslCtxPtr cctx(SSL_CTX_new(TLS_client_method()));
    SslPtr c(SSL_new(cctx.get()));
    SSL_set_fd(c.get(), sv[1]);
    out.client_ok = SSL_connect(c.get()) == 1;
    if (out.client_ok) {
      X509* peer = SSL_get0_peer_certificate(c.get());
      out.client_ok = peer != nullptr;
      char b;
      SSL_read(c.get(), &b, 1);
    }
    ::shutdown(sv[1], SHUT_RDWR);
  });
  SslPtr s(SSL_new(ctx->get()));
  SSL_set_fd(s.get(), sv[0]);
  out.server_ok = SSL_accept(s.get()) == 1;
  if (out.server_ok) SSL_write(s.get(), "x", 1);
  ::shutdown(sv[0], SHUT_RDWR);
  client.join();
  ::close(sv[0]);
  ::close(sv[1]);
  ERR_clear_error();
  return out;
}

TEST(TlsRemoteKey, EcdsaTls13) {
  auto o = handshake(true, TLS1_3_VERSION);
  EXPECT_TRUE(o.server_ok && o.client_ok);
  EXPECT_EQ(o.signatures, 1);
}
TEST(TlsRemoteKey, EcdsaTls12) {
  auto o = handshake(true, TLS1_2_VERSION);
  EXPECT_TRUE(o.server_ok && o.client_ok);
  EXPECT_EQ(o.signatures, 1);
}
TEST(TlsRemoteKey, RsaPssTls13) {
  auto o = handshake(false, TLS1_3_VERSION);
  EXPECT_TRUE(o.server_ok && o.client_ok);
  EXPECT_EQ(o.signatures, 1);
}
TEST(TlsRemoteKey, RsaTls12) {
  auto o = handshake(false, TLS1_2_VERSION);
  EXPECT_TRUE(o.server_ok && o.client_ok);
  EXPECT_EQ(o.signatures, 1);
}
TEST(TlsRemoteKey, ABadSignatureFailsTheHandshake) {
  EXPECT_FALSE(handshake(true, TLS1_3_VERSION, true).client_ok);
  EXPECT_FALSE(handshake(false, TLS1_2_VERSION, true).client_ok);
}

TEST(KeySigner, RefusesAKeyThatDoesNotMatchTheCertificate) {
  PkeyPtr a = makeKey(true);
  PkeyPtr b = makeKey(true);
  auto s = KeySigner::fromKey(std::move(b), selfSignedPem(a.get()));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "private key does not match the certificate");
}

TEST(KeySigner, SignsOnlyWellFormedRequests) {
  PkeyPtr ec = makeKey(true);
  std::string pem = selfSignedPem(ec.get());
  auto s = KeySigner::fromKey(std::move(ec), pem);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->sign({ipc::SignKind::kEcdsaDigest, 0, std::string(32, 'd')}));
  EXPECT_FALSE(s->sign({ipc::SignKind::kEcdsaDigest, 0, std::string(33, 'd')}));
  EXPECT_FALSE(s->sign({ipc::SignKind::kRsaPrivate, RSA_NO_PADDING, std::string(256, 'd')}));
}

TEST(ServerContext, HoldsNoPrivateKeyMaterial) {
  PkeyPtr ec = makeKey(true);
  std::string pem = selfSignedPem(ec.get());
  auto ctx = makeServerContext(pem, [](const ipc::SignRequest&) -> Result<std::string> {
    return fail("unused");
  });
  ASSERT_TRUE(ctx);
  EVP_PKEY* held = SSL_CTX_get0_privatekey(ctx->get());
  ASSERT_NE(held, nullptr);
  const EC_KEY* k = EVP_PKEY_get0_EC_KEY(held);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(EC_KEY_get0_private_key(k), nullptr);
}

}  // namespace
}  // namespace bulwark::tls
