#include "tls/warm_up.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "tls/key_signer.h"
#include "tls/self_signed.h"
#include "tls/server_context.h"

namespace bulwark::tls {
namespace {

Result<PkeyPtr> throwawayKeyLike(EVP_PKEY* pub) {
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC) {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pub, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1)
      return fail("certificate key has no curve name");
    key = EVP_EC_gen(group);
  } else if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA) {
    key = EVP_RSA_gen(2048);
  }
  if (key == nullptr) return fail("no throw-away key for this certificate type");
  return PkeyPtr(key);
}

bool handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  SslPtr server(SSL_new(server_ctx));
  SslPtr client(SSL_new(client_ctx));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  if (!server || !client || BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) != 1) return false;
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  for (int round = 0; round < 16; ++round) {
    int c = SSL_do_handshake(client.get());
    int s = SSL_do_handshake(server.get());
    if (c == 1 && s == 1) return true;
    for (auto [ssl, rc] : {std::pair{client.get(), c}, std::pair{server.get(), s}}) {
      int e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, rc);
      if (e != SSL_ERROR_NONE && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return false;
    }
  }
  return false;
}

}  // namespace

Result<void> warmUpHandshakes(std::string_view cert_chain_pem) {
  BioPtr in(BIO_new_mem_buf(cert_chain_pem.data(), static_cast<int>(cert_chain_pem.size())));
  X509Ptr leaf(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
  if (!leaf) return fail("warm-up: no certificate");
  auto key = throwawayKeyLike(X509_get0_pubkey(leaf.get()));
  if (!key) return fail(key.error());
  auto pem = selfSignedCertPem(key->get(), "warm-up");
  if (!pem) return fail(pem.error());
  auto signer = KeySigner::fromKey(std::move(*key), *pem);
  if (!signer) return fail(signer.error());
  auto server =
      makeServerContext(*pem, [&signer](const ipc::SignRequest& req) { return signer->sign(req); });
  if (!server) return fail(server.error());
  SslCtxPtr client(SSL_CTX_new(TLS_client_method()));
  if (!client) return fail("warm-up: no client context");
  SSL_CTX_set1_groups_list(client.get(), "P-256:X25519:P-384");
  bool ok = true;
  for (int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    SSL_CTX_set_max_proto_version(client.get(), version);
    ok = ok && handshake(server->get(), client.get());
  }
  ERR_clear_error();
  if (!ok) return fail("warm-up handshake failed");
  return {};
}

}  // namespace bulwark::tls
