#include "verify/verify_args.h"

namespace bulwark::verify {

namespace {

Result<void> setOnce(std::string& slot, std::string_view flag, const char* value) {
  if (value == nullptr) return fail(std::string(flag) + " needs a value");
  if (!slot.empty()) return fail(std::string(flag) + " given twice");
  if (*value == '\0') return fail(std::string(flag) + " must not be empty");
  slot = value;
  return {};
}

}  // namespace

Result<VerifyArgs> parseVerifyArgs(std::span<char* const> args) {
  VerifyArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    const char* value = i + 1 < args.size() ? args[i + 1] : nullptr;
    Result<void> ok;
    if (flag == "--json") {
      a.json = true;
      continue;
    } else if (flag == "--help" || flag == "-h") {
      a.help = true;
      return a;
    } else if (flag == "--root") {
      ok = setOnce(a.root, flag, value);
    } else if (flag == "--manifest") {
      ok = setOnce(a.manifest, flag, value);
    } else if (flag == "--pubkey") {
      ok = setOnce(a.pubkey, flag, value);
    } else {
      return fail("unknown argument '" + std::string(flag) + "'");
    }
    if (!ok) return fail(ok.error());
    ++i;
  }
  if (a.root.empty() || a.manifest.empty() || a.pubkey.empty()) {
    return fail("--root, --manifest and --pubkey are required");
  }
  return a;
}

}  // namespace bulwark::verify
