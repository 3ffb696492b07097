// The worker's allow-list: what a TLS/HTTP/CSTP/DTLS connection needs once
// its fds exist. No open, no socket, no exec, no fork, no ioctl, no ptrace.
#include <sys/mman.h>

#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {
namespace {

constexpr int kWorkerSyscalls[] = {
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendto),
    SCMP_SYS(poll),
    SCMP_SYS(recvmmsg),
    SCMP_SYS(sendmmsg),
    SCMP_SYS(ppoll),
    SCMP_SYS(close),
    SCMP_SYS(shutdown),
    SCMP_SYS(fcntl),
    SCMP_SYS(setsockopt),
    SCMP_SYS(getsockopt),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(lseek),
    SCMP_SYS(brk),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(futex),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(getrandom),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(sched_yield),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
};

}  // namespace

Result<void> allowWorkerSyscalls(scmp_filter_ctx ctx) {
  if (auto r = allowPlain(ctx, kWorkerSyscalls); !r) return r;
  return allowNonExecMemory(ctx);
}

Result<void> allowPlain(scmp_filter_ctx ctx, std::span<const int> syscalls) {
  for (int nr : syscalls)
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
      return fail("seccomp: cannot allow syscall " + std::to_string(nr));
  return {};
}

Result<void> allowNonExecMemory(scmp_filter_ctx ctx) {
  for (int nr : {SCMP_SYS(mmap), SCMP_SYS(mprotect)})
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) !=
        0)
      return fail("seccomp: cannot add the mmap rule");
  return {};
}

}  // namespace bulwark::privsep
