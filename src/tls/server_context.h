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
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "ipc/worker_authd.h"
#include "tls/ssl_ptr.h"

namespace bulwark::tls {

using RemoteSigner = std::function<Result<std::string>(const ipc::SignRequest&)>;

Result<SslCtxPtr> makeServerContext(std::string_view cert_chain_pem, RemoteSigner signer);

// A server context made once, before the connection it serves exists (in
// the worker zygote), whose signer is bound later (in the forked worker, to
// that worker's authd channel). Building a context costs about as much CPU
// as the rest of a handshake; a forked worker inherits this one ready.
//
// The same goes for the connection object: make() also builds one SSL from
// the context, which no handshake ever touches in the zygote. Each forked
// worker takes its own copy of it (takeConnection) instead of paying for
// SSL_new. Before its handshake an SSL holds no key and no random value (the
// hello randoms and key shares are drawn during the handshake, from a DRBG
// OpenSSL reseeds after the fork), so identical copies give nothing away.
//
//   auto shared = ReusableServerContext::make(pem);      // zygote
//   shared->bindSigner([&](auto& r) { return authd.sign(r); });   // worker
//   SslPtr ssl = shared->takeConnection();
class ReusableServerContext {
 public:
  static Result<ReusableServerContext> make(std::string_view cert_chain_pem);
  void bindSigner(RemoteSigner signer) { *slot_ = std::move(signer); }
  [[nodiscard]] SSL_CTX* get() const { return ctx_.get(); }
  [[nodiscard]] const std::string& chainPem() const { return chain_pem_; }
  // The pre-built SSL the first time, a new one after that.
  SslPtr takeConnection();

 private:
  ReusableServerContext(SslCtxPtr ctx, std::shared_ptr<RemoteSigner> slot, std::string pem)
      : ctx_(std::move(ctx)), slot_(std::move(slot)), chain_pem_(std::move(pem)) {}
  SslCtxPtr ctx_;
  std::shared_ptr<RemoteSigner> slot_;
  std::string chain_pem_;
  SslPtr spare_;
};

}  // namespace bulwark::tls
