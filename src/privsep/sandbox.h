// enterSandbox: the fixed, fail-closed order in which a process gives up
// privilege (architecture.md property 2):
//   rlimits -> empty root (chroot) -> drop groups/gid/uid (all capabilities
//   go with uid 0) -> verify no capability is left -> PR_SET_NO_NEW_PRIVS ->
//   not dumpable -> seccomp policy for the role.
// Any failing step returns an error and the caller must exit; there is no
// flag that skips a step.
//
//   auto s = enterSandbox({.uid = 65534, .gid = 65534, .empty_root = "/run/bulwark/empty"});
//   if (!s) { spdlog::critical("sandbox: {}", s.error().message); _exit(1); }
#pragma once

#include <sys/types.h>

#include <string>

#include "common/error.h"

namespace bulwark::privsep {

enum class SandboxRole { kWorker, kWorkerZygote, kAuthd, kLogship };

struct SandboxSpec {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string empty_root;
  unsigned max_open_files = 16;
  SandboxRole role = SandboxRole::kWorker;
};

Result<void> enterSandbox(const SandboxSpec& spec);

// In a worker just forked by the zygote (which is already sandboxed with
// the kWorkerZygote role): no more processes (RLIMIT_NPROC 0) and the
// worker's own seccomp filter on top of the zygote's, so the fork, prlimit
// and seccomp calls the zygote was allowed are gone before the first byte
// from the client.
class CompiledFilter;  // privsep/seccomp_policy.h

// `worker_filter`: the kWorker filter, compiled before the fork.
Result<void> narrowToWorker(const CompiledFilter& worker_filter);

// Creates (if needed) and checks the directory used as the workers' root:
// owned by root, not writable by anyone else, and empty.
Result<void> prepareEmptyRoot(const std::string& path);

}  // namespace bulwark::privsep
