// Base32 (RFC 4648 alphabet A-Z2-7), the encoding authenticator apps and
// otpauth:// URIs use for TOTP secrets. Decoding accepts lower case and
// ignores '=' padding and spaces (people paste secrets in groups); any other
// character is an error.
//
//   std::string s = base32Encode(secret_bytes);   // "JBSWY3DPEHPK3PXP"
//   auto bytes = base32Decode("jbsw y3dp ehpk 3pxp");
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::auth {

std::string base32Encode(std::string_view bytes);
Result<std::string> base32Decode(std::string_view text);

}  // namespace bulwark::auth
