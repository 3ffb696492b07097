#include "privsep/seccomp_policy.h"

namespace bulwark::privsep {

Result<bool> installSeccompPolicy(SandboxRole /*role*/) {
  // The per-role allow-list (default KILL) is its own issue; see the header.
  return false;
}

}  // namespace bulwark::privsep
