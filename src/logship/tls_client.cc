#include "logship/tls_client.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace bulwark::logship {
namespace {

bool isIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<void> failSsl(const std::string& what) {
  std::string detail = takeOpensslError();
  return fail(detail.empty() ? what : what + ": " + detail);
}

Result<void> loadTrust(SSL_CTX* ctx, const ClientTlsFiles& f) {
  if (f.ca_file.empty()) return fail("TLS needs a CA file");
  if (SSL_CTX_load_verify_locations(ctx, f.ca_file.c_str(), nullptr) != 1)
    return failSsl("CA file " + f.ca_file);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return {};
}

Result<void> loadClientCert(SSL_CTX* ctx, const ClientTlsFiles& f) {
  if (f.cert_file.empty() && f.key_file.empty()) return {};
  if (f.cert_file.empty() || f.key_file.empty()) return fail("client cert and key go together");
  if (SSL_CTX_use_certificate_chain_file(ctx, f.cert_file.c_str()) != 1)
    return failSsl("client certificate " + f.cert_file);
  if (SSL_CTX_use_PrivateKey_file(ctx, f.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return failSsl("client key " + f.key_file);
  if (SSL_CTX_check_private_key(ctx) != 1)
    return failSsl("client key does not match its certificate");
  return {};
}

// X509_VERIFY_PARAM of the context: every SSL made from it checks the name.
Result<void> setExpectedPeer(SSL_CTX* ctx, const std::string& peer) {
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  if (isIpLiteral(peer)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, peer.c_str()) != 1) return failSsl("bad IP " + peer);
    return {};
  }
  if (peer.empty()) return fail("TLS needs the name or address to check");
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_host(param, peer.c_str(), peer.size()) != 1)
    return failSsl("bad server name " + peer);
  return {};
}

}  // namespace

std::string takeOpensslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

Result<tls::SslCtxPtr> makeClientContext(const ClientTlsFiles& files) {
  tls::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (auto r = loadTrust(ctx.get(), files); !r) return fail(r.error());
  if (auto r = loadClientCert(ctx.get(), files); !r) return fail(r.error());
  if (auto r = setExpectedPeer(ctx.get(), files.expected_peer); !r) return fail(r.error());
  return ctx;
}

Result<tls::SslPtr> newClientSession(SSL_CTX* ctx, int fd) {
  tls::SslPtr ssl(SSL_new(ctx));
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) return fail("SSL_new failed");
  const char* host = X509_VERIFY_PARAM_get0_host(SSL_CTX_get0_param(ctx), 0);
  // SNI carries a DNS name only (RFC 6066 3), never an address.
  if (host != nullptr && SSL_set_tlsext_host_name(ssl.get(), host) != 1)
    return fail("cannot set the server name");
  return ssl;
}

}  // namespace bulwark::logship
