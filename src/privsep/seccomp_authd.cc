// bulwark-authd's allow-list, installed once its key is loaded and before it
// serves anything. authd runs as root (it reads root-only files), so the
// filter is what limits a compromised authd: it may read files (the users
// and TOTP files are re-read when they change) but never open one for
// writing or create one, and it may not exec, fork, make sockets, ptrace,
// change ids, load modules or map executable memory. Its channels to main
// and the workers exist already, and new worker channels arrive by
// SCM_RIGHTS on recvmsg.
#include <fcntl.h>
#include <sys/mman.h>

#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {
namespace {

constexpr int kAuthdSyscalls[] = {
    SCMP_SYS(read),         SCMP_SYS(write),          SCMP_SYS(readv),
    SCMP_SYS(writev),       SCMP_SYS(pread64),        SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg),      SCMP_SYS(close),          SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait),  SCMP_SYS(epoll_ctl),      SCMP_SYS(poll),
    SCMP_SYS(fstat),        SCMP_SYS(newfstatat),     SCMP_SYS(statx),
    SCMP_SYS(lseek),        SCMP_SYS(fcntl),          SCMP_SYS(brk),
    SCMP_SYS(munmap),       SCMP_SYS(mremap),         SCMP_SYS(madvise),
    SCMP_SYS(futex),        SCMP_SYS(clock_gettime),  SCMP_SYS(gettimeofday),
    SCMP_SYS(getrandom),    SCMP_SYS(getpid),         SCMP_SYS(gettid),
    SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall),
    SCMP_SYS(exit),         SCMP_SYS(exit_group),     SCMP_SYS(sched_yield),
    SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
};

}  // namespace

Result<void> allowAuthdSyscalls(scmp_filter_ctx ctx) {
  if (auto r = allowPlain(ctx, kAuthdSyscalls); !r) return r;
  if (auto r = allowNonExecMemory(ctx); !r) return r;
  // openat(dirfd, path, flags): read-only, no O_CREAT/O_TRUNC/O_APPEND.
  constexpr std::uint64_t kMask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE;
  if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                       SCMP_A2(SCMP_CMP_MASKED_EQ, kMask, O_RDONLY)) != 0)
    return fail("seccomp: cannot add the openat rule");
  return {};
}

}  // namespace bulwark::privsep
