// Fuzzes the users file parser; parse -> serialize -> parse must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/users_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto f = bulwark::auth::parseUsersFile(in);
  if (!f) return 0;
  std::string once = bulwark::auth::serializeUsersFile(*f);
  auto g = bulwark::auth::parseUsersFile(once);
  if (!g || bulwark::auth::serializeUsersFile(*g) != once) std::abort();
  return 0;
}
