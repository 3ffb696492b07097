// selfSignedCertPem: a one-hour self-signed X.509 certificate for `key`, as
// PEM. For throw-away keys only (the zygote's warm-up handshakes, tests);
// never for a certificate a client is meant to trust.
//
//   auto pem = selfSignedCertPem(key.get(), "warm-up");
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::tls {

Result<std::string> selfSignedCertPem(EVP_PKEY* key, std::string_view common_name);

}  // namespace bulwark::tls
