// Fuzzes the TOTP seed file parser and base32: parse -> serialize -> parse
// must give the same users and seeds, and base32 must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/base32.h"
#include "auth/totp_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bulwark::auth;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto decoded = base32Decode(in);
  if (decoded) {
    auto again = base32Decode(base32Encode(*decoded));
    if (!again || *again != *decoded) std::abort();
  }
  auto f = parseTotpFile(in);
  if (!f) return 0;
  std::string once = serializeTotpFile(*f);
  auto g = parseTotpFile(once);
  if (!g || serializeTotpFile(*g) != once) std::abort();
  return 0;
}
