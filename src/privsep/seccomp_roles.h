// One seccomp allow-list per process role, each in its own file
// (seccomp_worker.cc, seccomp_worker_zygote.cc, seccomp_authd.cc, seccomp_logship.cc).
// installSeccompPolicy builds the filter (default KILL_PROCESS, architecture check first) and calls
// the role's function to add what that role may do.
#pragma once

#include <seccomp.h>

#include <span>

#include "common/error.h"

namespace bulwark::privsep {

Result<void> allowWorkerSyscalls(scmp_filter_ctx ctx);
Result<void> allowWorkerZygoteSyscalls(scmp_filter_ctx ctx);
Result<void> allowAuthdSyscalls(scmp_filter_ctx ctx);
Result<void> allowLogshipSyscalls(scmp_filter_ctx ctx);
// Nothing unless built with BULWARK_SANITIZE (seccomp_sanitizer.cc).
Result<void> allowSanitizerRuntime(scmp_filter_ctx ctx);

// Shared by the role files: allow each syscall unconditionally, and allow
// mmap/mprotect only without PROT_EXEC (no new executable memory).
Result<void> allowPlain(scmp_filter_ctx ctx, std::span<const int> syscalls);
Result<void> allowNonExecMemory(scmp_filter_ctx ctx);

}  // namespace bulwark::privsep
