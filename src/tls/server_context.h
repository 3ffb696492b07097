// makeServerContext: the worker's TLS server context. The worker holds only
// the public certificate chain; every private-key operation of the handshake
// goes through `signer`, which the worker implements as an IPC call to authd
// (architecture.md property 3).
//
// How: the context's private key is a "foreign" EVP_PKEY that carries the
// certificate's public key and a custom EC_KEY_METHOD / RSA_METHOD whose
// sign / private-encrypt callbacks call the signer. OpenSSL 3.0 routes such
// keys through its legacy path, for TLS 1.2 and 1.3 alike.
//
//   auto ctx = makeServerContext(pem, [&](const ipc::SignRequest& r) { return authd.sign(r); });
//   SslPtr ssl(SSL_new(ctx->get()));
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "ipc/worker_authd.h"
#include "tls/ssl_ptr.h"

namespace bulwark::tls {

using RemoteSigner = std::function<Result<std::string>(const ipc::SignRequest&)>;

Result<SslCtxPtr> makeServerContext(std::string_view cert_chain_pem, RemoteSigner signer);

}  // namespace bulwark::tls
