// MitigationPolicy: an emergency switch-off list, signed with the release key
// and applied at runtime (`bulwarkctl mitigation apply FILE`). The body is
// TOML, followed by the release signature line (release/signature.h):
//
//   version = 3                            # must be above the active policy's
//   reason = "CVE-2026-0001: DTLS parser"
//   disable_new_logins = false             # refuse every new login
//   disable_dtls = false                   # no DTLS for new tunnels
//   disable_auth_methods = ["password-only"]   # and/or "totp"
//   blocked_paths = ["/CSCOSSLC/tunnel"]   # exact request paths answered 403
//
// Unknown keys and values are errors: a policy that says more than this code
// understands must not be half-applied.
//
//   auto p = parsePolicy(body);   // body = verifySignedText(...)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::mitigation {

inline constexpr std::size_t kMaxPolicyBytes = 16 * 1024;
inline constexpr std::size_t kMaxBlockedPaths = 16;
inline constexpr std::size_t kMaxPathLength = 256;

struct MitigationPolicy {
  std::uint64_t version = 0;  // 0: no policy
  std::string reason;
  bool disable_new_logins = false;
  bool disable_dtls = false;
  bool disable_password_only = false;  // logins without a second factor
  bool disable_totp = false;           // logins that use TOTP
  std::vector<std::string> blocked_paths;
};

Result<MitigationPolicy> parsePolicy(std::string_view toml_body);

}  // namespace bulwark::mitigation
