// The TLS client side of bulwark-logship: an SSL_CTX built from the
// configured files before the sandbox (it reads them; nothing is opened
// later), and one SSL per connection to the collector.
//
// Peer verification is always on: the collector's chain must end at the
// configured CA (the system trust store is not used), and its certificate
// must name `server_name` (DNS name, or an IP literal checked as an IP SAN)
// or, when that is empty, the collector's address as an IP SAN. TLS 1.2 is
// the minimum; renegotiation is off.
//
//   auto ctx = makeClientContext({.ca_file = ca, .expected_peer = "127.0.0.1"});
//   auto ssl = newClientSession(ctx->get(), fd);   // then SSL_connect
#pragma once

#include <string>

#include "common/error.h"
#include "tls/ssl_ptr.h"

namespace bulwark::logship {

struct ClientTlsFiles {
  std::string ca_file;
  std::string cert_file;      // optional client certificate chain (PEM)
  std::string key_file;       // its private key (PEM), required with cert_file
  std::string expected_peer;  // DNS name or IP literal the collector's cert must carry
};

Result<tls::SslCtxPtr> makeClientContext(const ClientTlsFiles& files);
Result<tls::SslPtr> newClientSession(SSL_CTX* ctx, int fd);

// The oldest queued OpenSSL error as text ("" when none), clearing the queue.
std::string takeOpensslError();

}  // namespace bulwark::logship
