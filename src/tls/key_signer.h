// KeySigner: authd's holder of the TLS private key. It performs exactly the
// private-key operation a worker's handshake asks for (ECDSA over a digest,
// or an RSA private operation with PKCS#1 or no padding) and nothing else.
//
//   auto signer = KeySigner::load("/etc/bulwark/server-key.pem", cert_chain_pem);
//   Result<std::string> sig = signer->sign(request);
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "ipc/worker_authd.h"
#include "tls/ssl_ptr.h"

namespace bulwark::tls {

class KeySigner {
 public:
  // Fails if the key cannot be read or does not match the chain's first cert.
  static Result<KeySigner> load(const std::string& key_path, std::string_view cert_chain_pem);
  static Result<KeySigner> fromKey(PkeyPtr key, std::string_view cert_chain_pem);
  Result<std::string> sign(const ipc::SignRequest& req) const;

 private:
  explicit KeySigner(PkeyPtr key) : key_(std::move(key)) {}
  PkeyPtr key_;
};

}  // namespace bulwark::tls
