// Sanitizer builds only (-DBULWARK_SANITIZE=ON): the ASan/UBSan runtime makes
// a few syscalls of its own while the program runs (pipe2 to probe whether
// memory is readable, sigaltstack, limits and affinity queries), so that the
// whole e2e suite can also run under the sanitizers with every filter on.
// A release build adds nothing here.
#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {

Result<void> allowSanitizerRuntime(scmp_filter_ctx ctx) {
#ifdef BULWARK_SANITIZE_BUILD
  constexpr int kRuntime[] = {SCMP_SYS(pipe2),     SCMP_SYS(pipe),      SCMP_SYS(sigaltstack),
                              SCMP_SYS(prlimit64), SCMP_SYS(getrlimit), SCMP_SYS(sched_getaffinity),
                              SCMP_SYS(readlink),  SCMP_SYS(mincore),   SCMP_SYS(getppid)};
  return allowPlain(ctx, kRuntime);
#else
  (void)ctx;
  return {};
#endif
}

}  // namespace bulwark::privsep
