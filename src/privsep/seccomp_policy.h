// installSeccompPolicy: the last step of enterSandbox, one allow-list per role.
//
// NOT YET ENFORCING: the seccomp allow-list is tracked as its own issue. This
// hook is where it goes; today it installs nothing and says so in the log at
// worker start ("seccomp: not enforced"). It is called in the right place of
// the sandbox order so that turning it on changes no caller.
#pragma once

#include "common/error.h"
#include "privsep/sandbox.h"

namespace bulwark::privsep {

// Returns true if a filter was installed, false if the role has none yet.
Result<bool> installSeccompPolicy(SandboxRole role);

}  // namespace bulwark::privsep
