// Fuzzes the mitigation policy parser (the TOML body behind the signature
// line) and the signed-text splitter that runs before any signature check.
#include <cstdint>
#include <string_view>

#include "mitigation/policy.h"
#include "release/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)bulwark::mitigation::parsePolicy(in);
  (void)bulwark::release::splitSignedText(in, bulwark::mitigation::kMaxPolicyBytes + 512);
  return 0;
}
