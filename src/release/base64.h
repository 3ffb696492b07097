// Strict standard base64 (RFC 4648 section 4, with '=' padding) for the
// signature line of a signed manifest.
//
// decodeBase64 accepts only the canonical encoding: length a multiple of 4,
// padding only at the end, unused bits zero, no whitespace. So one signature
// has exactly one textual form.
//
//   std::string text = encodeBase64(sig_bytes);
//   Result<std::string> bytes = decodeBase64(text);
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::release {

[[nodiscard]] std::string encodeBase64(std::string_view bytes);
[[nodiscard]] Result<std::string> decodeBase64(std::string_view text);

}  // namespace bulwark::release
