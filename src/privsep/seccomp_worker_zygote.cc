// The worker zygote's allow-list: the worker's, plus exactly what forking a
// worker takes. clone only with CLONE_PARENT|SIGCHLD (a plain new process,
// main's child: no threads, no namespaces, no shared memory), prlimit only
// for RLIMIT_NPROC, and seccomp/NO_NEW_PRIVS so that the child can stack the
// worker's stricter filter (narrowToWorker) - calls that can only take
// rights away. Still no open, socket, exec, ioctl or ptrace.
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {

Result<void> allowWorkerZygoteSyscalls(scmp_filter_ctx ctx) {
  if (auto r = allowWorkerSyscalls(ctx); !r) return r;
  constexpr std::uint64_t kForkFlags = CLONE_PARENT | SIGCHLD;
  if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_EQ, kForkFlags)) !=
          0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0),
                       SCMP_A1(SCMP_CMP_EQ, RLIMIT_NPROC)) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                       SCMP_A0(SCMP_CMP_EQ, PR_SET_NO_NEW_PRIVS)) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 0) != 0)
    return fail("seccomp: cannot add the zygote's fork rules");
  return {};
}

}  // namespace bulwark::privsep
