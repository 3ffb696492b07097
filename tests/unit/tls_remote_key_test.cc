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
#include "tls/self_signed.h"
#include "tls/server_context.h"
#include "tls/warm_up.h"

namespace bulwark::tls {
namespace {

PkeyPtr makeKey(bool ec) { return PkeyPtr(ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048)); }

std::string selfSignedPem(EVP_PKEY* key) { return *selfSignedCertPem(key, "bulwark.test"); }

struct Outcome {
  bool server_ok = false;
  bool client_ok = false;
  int signatures = 0;
};

// A handshake and a byte of data through `server`, with a client thread on
// the other end of a socket pair.
struct Served {
  bool server_ok = false;
  bool client_ok = false;          // handshake, a peer certificate, the byte
  bool client_can_resume = false;  // it came away with a ticket
};
Served serveOnce(SSL* server) {
  Served out;
  int sv[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::thread client([&] {
    SslCtxPtr cctx(SSL_CTX_new(TLS_client_method()));
    SslPtr c(SSL_new(cctx.get()));
    SSL_set_fd(c.get(), sv[1]);
    char b = 0;
    out.client_ok = SSL_connect(c.get()) == 1 && SSL_get0_peer_certificate(c.get()) != nullptr &&
                    SSL_read(c.get(), &b, 1) == 1 && b == 'x';
    out.client_can_resume = SSL_SESSION_is_resumable(SSL_get0_session(c.get())) == 1;
    ::shutdown(sv[1], SHUT_RDWR);
  });
  SSL_set_fd(server, sv[0]);
  out.server_ok = SSL_accept(server) == 1;
  if (out.server_ok) SSL_write(server, "x", 1);
  ::shutdown(sv[0], SHUT_RDWR);
  client.join();
  ::close(sv[0]);
  ::close(sv[1]);
  ERR_clear_error();
  return out;
}

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
  SslPtr s(SSL_new(ctx->get()));
  Served r = serveOnce(s.get());
  out.server_ok = r.server_ok;
  out.client_ok = r.client_ok;
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
  auto ctx = makeServerContext(
      pem, [](const ipc::SignRequest&) -> Result<std::string> { return fail("unused"); });
  ASSERT_TRUE(ctx);
  EVP_PKEY* held = SSL_CTX_get0_privatekey(ctx->get());
  ASSERT_NE(held, nullptr);
  const EC_KEY* k = EVP_PKEY_get0_EC_KEY(held);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(EC_KEY_get0_private_key(k), nullptr);
}

TEST(ReusableServerContext, SignsThroughWhicheverSignerIsBoundLast) {
  PkeyPtr ec = makeKey(true);
  std::string pem = selfSignedPem(ec.get());
  auto ctx = ReusableServerContext::make(pem);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->chainPem(), pem);
  EVP_PKEY* held = SSL_CTX_get0_privatekey(ctx->get());
  ASSERT_NE(held, nullptr);
  std::string digest(32, 'd');
  auto sign = [&] {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
        EVP_PKEY_CTX_new(held, nullptr), EVP_PKEY_CTX_free);
    std::size_t len = 128;
    unsigned char sig[128];
    return EVP_PKEY_sign_init(pctx.get()) == 1 &&
           EVP_PKEY_sign(pctx.get(), sig, &len,
                         reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
  };
  EXPECT_FALSE(sign());  // nothing bound yet: no signature
  ERR_clear_error();
  int calls = 0;
  auto signer = KeySigner::fromKey(makeKey(true), pem);
  ASSERT_FALSE(signer);  // another key does not match
  auto real = KeySigner::fromKey(std::move(ec), pem);
  ASSERT_TRUE(real);
  ctx->bindSigner([&](const ipc::SignRequest& r) {
    ++calls;
    return real->sign(r);
  });
  EXPECT_TRUE(sign());
  EXPECT_EQ(calls, 1);
}

TEST(ReusableServerContext, EveryConnectionTakenServesAndGetsNoTicket) {
  PkeyPtr ec = makeKey(true);
  std::string pem = selfSignedPem(ec.get());
  auto ctx = ReusableServerContext::make(pem);
  ASSERT_TRUE(ctx);
  auto real = KeySigner::fromKey(std::move(ec), pem);
  ASSERT_TRUE(real);
  ctx->bindSigner([&](const ipc::SignRequest& r) { return real->sign(r); });
  SslPtr prebuilt = ctx->takeConnection();
  SslPtr fresh = ctx->takeConnection();
  ASSERT_TRUE(prebuilt);
  ASSERT_TRUE(fresh);
  EXPECT_NE(prebuilt.get(), fresh.get());
  for (SSL* s : {prebuilt.get(), fresh.get()}) {
    Served r = serveOnce(s);
    EXPECT_TRUE(r.server_ok);
    EXPECT_TRUE(r.client_ok);
    // No cache and no ticket key: a ticket could never resume anything.
    EXPECT_FALSE(r.client_can_resume);
  }
}

TEST(WarmUp, HandshakesWithAThrowAwayKeyOfTheCertificatesType) {
  for (bool ec : {true, false}) {
    PkeyPtr key = makeKey(ec);
    EXPECT_TRUE(warmUpHandshakes(selfSignedPem(key.get()))) << (ec ? "EC" : "RSA");
  }
  EXPECT_FALSE(warmUpHandshakes("not a certificate"));
}

}  // namespace
}  // namespace bulwark::tls
