// Fuzzes the config-auth XML parser (untrusted POST bodies).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/anyconnect/auth_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = bulwark::anyconnect::parseClientAuth(in);
  if (r && (r->username.size() > bulwark::anyconnect::kMaxFieldLength ||
            r->password.size() > bulwark::anyconnect::kMaxFieldLength))
    std::abort();
  // Builders must produce well-formed XML for any text, including this input.
  auto form = bulwark::anyconnect::buildLoginForm(in.substr(0, 256), in.substr(0, 64));
  auto parsed = bulwark::anyconnect::parseClientAuth(form);
  (void)parsed;
  return 0;
}
