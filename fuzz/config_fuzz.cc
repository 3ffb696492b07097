// Fuzzes the TOML configuration parser (an admin's file, but typos and
// hostile edits must give errors with a location, never a crash).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto c = bulwark::config::parseConfig(in, "fuzz.toml");
  if (!c && c.error().message.rfind("fuzz.toml", 0) != 0) std::abort();
  if (c && (c->network.pool_prefix < 8 || c->network.pool_prefix > 30)) std::abort();
  return 0;
}
