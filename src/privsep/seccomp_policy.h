// installSeccompPolicy: the last step of enterSandbox, one allow-list per
// role, default action KILL_PROCESS (architecture.md property 2).
//
// The worker's list is what a TLS/HTTP/CSTP connection needs once its fds
// exist: read/write on them, poll, memory management without PROT_EXEC,
// time, randomness, futex, exit. No open, no socket, no exec, no fork, no
// ioctl, no ptrace. libseccomp adds the architecture check first (a foreign
// architecture is killed too). Built with -DBULWARK_SECCOMP_TRAP=ON, a
// violation raises SIGSYS instead and the worker prints the syscall number
// before exiting: for developing the list, never a way to turn it off.
#pragma once

#include "common/error.h"
#include "privsep/sandbox.h"

namespace bulwark::privsep {

// Returns true if a filter was installed (every role in SandboxRole has one).
Result<bool> installSeccompPolicy(SandboxRole role);

}  // namespace bulwark::privsep
