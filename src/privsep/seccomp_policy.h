// installSeccompPolicy: the last step of enterSandbox, one allow-list per
// role, default action KILL_PROCESS (architecture.md property 2).
//
// The lists live one per role: seccomp_worker.cc (TLS/HTTP/CSTP on fds that
// exist: no open, socket, exec, fork, ioctl or ptrace), seccomp_authd.cc
// (read-only file opens, no exec/fork/socket) and seccomp_logship.cc (TCP
// sockets to the collector, no open, exec, fork or ptrace). libseccomp adds the
// architecture check first (a foreign architecture is killed too). Built with
// -DBULWARK_SECCOMP_TRAP=ON, a violation raises SIGSYS instead and the worker prints the syscall
// number before exiting: for developing the list, never a way to turn it off.
#pragma once

#include <cstddef>
#include <vector>

#include "common/error.h"
#include "privsep/sandbox.h"

namespace bulwark::privsep {

// Returns true if a filter was installed (every role in SandboxRole has one).
Result<bool> installSeccompPolicy(SandboxRole role);

// A role's filter compiled to BPF now and loaded later: the worker zygote
// compiles the worker's filter once, and each forked worker only loads it
// (building it with libseccomp costs more than the rest of the fork).
class CompiledFilter {
 public:
  static Result<CompiledFilter> compile(SandboxRole role);
  // Needs NO_NEW_PRIVS (or CAP_SYS_ADMIN); adds to any filter in force.
  [[nodiscard]] Result<void> load() const;

 private:
  explicit CompiledFilter(std::vector<std::byte> bpf) : bpf_(std::move(bpf)) {}
  std::vector<std::byte> bpf_;  // struct sock_filter[]
};

}  // namespace bulwark::privsep
