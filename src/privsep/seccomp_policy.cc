#include "privsep/seccomp_policy.h"

#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace bulwark::privsep {
namespace {

struct FilterFree {
  void operator()(scmp_filter_ctx* c) const { seccomp_release(*c); delete c; }
};

// Syscalls a worker uses after the sandbox is up (docs/design/privsep.md).
constexpr int kWorkerSyscalls[] = {
    SCMP_SYS(read),         SCMP_SYS(write),          SCMP_SYS(readv),
    SCMP_SYS(writev),       SCMP_SYS(recvmsg),        SCMP_SYS(sendmsg),
    SCMP_SYS(recvfrom),     SCMP_SYS(sendto),         SCMP_SYS(poll),
    SCMP_SYS(ppoll),        SCMP_SYS(close),          SCMP_SYS(shutdown),
    SCMP_SYS(fcntl),        SCMP_SYS(setsockopt),     SCMP_SYS(getsockopt),
    SCMP_SYS(fstat),        SCMP_SYS(newfstatat),     SCMP_SYS(lseek),
    SCMP_SYS(brk),          SCMP_SYS(munmap),         SCMP_SYS(mremap),
    SCMP_SYS(madvise),      SCMP_SYS(futex),          SCMP_SYS(clock_gettime),
    SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),      SCMP_SYS(getpid),
    SCMP_SYS(gettid),       SCMP_SYS(rt_sigreturn),   SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(restart_syscall), SCMP_SYS(exit),        SCMP_SYS(exit_group),
    SCMP_SYS(sched_yield),  SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
};

#ifdef BULWARK_SECCOMP_TRAP
void reportViolation(int, siginfo_t* info, void*) {
  char msg[64] = "seccomp: blocked syscall ";
  int n = info->si_syscall, len = 25;
  char digits[12];
  int d = 0;
  do { digits[d++] = static_cast<char>('0' + n % 10); n /= 10; } while (n > 0);
  while (d > 0) msg[len++] = digits[--d];
  msg[len++] = '\n';
  (void)!::write(STDERR_FILENO, msg, len);
  _exit(159);
}
constexpr std::uint32_t kViolationAction = SCMP_ACT_TRAP;
#else
constexpr std::uint32_t kViolationAction = SCMP_ACT_KILL_PROCESS;
#endif

Result<void> allowWorkerSyscalls(scmp_filter_ctx ctx) {
  for (int nr : kWorkerSyscalls)
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
      return fail("seccomp: cannot allow syscall " + std::to_string(nr));
  // Memory may be mapped or re-protected, but never executable.
  for (int nr : {SCMP_SYS(mmap), SCMP_SYS(mprotect)})
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                         SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0)
      return fail("seccomp: cannot add the mmap rule");
  return {};
}

}  // namespace

Result<bool> installSeccompPolicy(SandboxRole role) {
#ifdef BULWARK_SECCOMP_TRAP
  struct sigaction sa{};
  sa.sa_sigaction = reportViolation;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, nullptr);
#endif
  std::unique_ptr<scmp_filter_ctx, FilterFree> ctx(new scmp_filter_ctx(seccomp_init(kViolationAction)));
  if (*ctx == nullptr) return fail("seccomp_init failed");
  if (role == SandboxRole::kWorker) {
    if (auto r = allowWorkerSyscalls(*ctx); !r) return fail(r.error());
  }
  int rc = seccomp_load(*ctx);
  if (rc != 0) return fail(std::string("seccomp_load: ") + std::strerror(-rc));
  return true;
}

}  // namespace bulwark::privsep
