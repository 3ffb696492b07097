// warmUpHandshakes: one TLS 1.3 and one TLS 1.2 handshake in memory, with a
// throw-away key of the certificate's type going through the same
// remote-signer path as the real handshakes. OpenSSL looks up and caches its
// algorithms (ciphers, digests, KDFs, key managers, signature methods) on
// first use; done once in the worker zygote, every forked worker inherits
// the filled caches instead of rebuilding them in its first handshake.
//
//   if (auto r = warmUpHandshakes(cert_chain_pem); !r) spdlog::warn(...);  // only slower
#pragma once

#include <string_view>

#include "common/error.h"

namespace bulwark::tls {

Result<void> warmUpHandshakes(std::string_view cert_chain_pem);

}  // namespace bulwark::tls
