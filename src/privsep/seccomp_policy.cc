#include "privsep/seccomp_policy.h"

#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "privsep/seccomp_roles.h"

namespace bulwark::privsep {
namespace {

struct FilterFree {
  void operator()(scmp_filter_ctx* c) const {
    seccomp_release(*c);
    delete c;
  }
};

#ifdef BULWARK_SECCOMP_TRAP
void reportViolation(int, siginfo_t* info, void*) {
  char msg[64] = "seccomp: blocked syscall ";
  int n = info->si_syscall, len = 25;
  char digits[12];
  int d = 0;
  do {
    digits[d++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (d > 0) msg[len++] = digits[--d];
  msg[len++] = '\n';
  (void)!::write(STDERR_FILENO, msg, len);
  _exit(159);
}
constexpr std::uint32_t kViolationAction = SCMP_ACT_TRAP;
#else
constexpr std::uint32_t kViolationAction = SCMP_ACT_KILL_PROCESS;
#endif

Result<void> allowRoleSyscalls(SandboxRole role, scmp_filter_ctx ctx) {
  switch (role) {
    case SandboxRole::kWorker:
      return allowWorkerSyscalls(ctx);
    case SandboxRole::kWorkerZygote:
      return allowWorkerZygoteSyscalls(ctx);
    case SandboxRole::kAuthd:
      return allowAuthdSyscalls(ctx);
    case SandboxRole::kLogship:
      return allowLogshipSyscalls(ctx);
  }
  return fail("seccomp: unknown role");  // fail closed
}

}  // namespace

Result<bool> installSeccompPolicy(SandboxRole role) {
#ifdef BULWARK_SECCOMP_TRAP
  struct sigaction sa {};
  sa.sa_sigaction = reportViolation;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, nullptr);
#endif
  std::unique_ptr<scmp_filter_ctx, FilterFree> ctx(
      new scmp_filter_ctx(seccomp_init(kViolationAction)));
  if (*ctx == nullptr) return fail("seccomp_init failed");
  auto allowed = allowRoleSyscalls(role, *ctx);
  if (!allowed) return fail(allowed.error());
  if (auto r = allowSanitizerRuntime(*ctx); !r) return fail(r.error());
  int rc = seccomp_load(*ctx);
  if (rc != 0) return fail(std::string("seccomp_load: ") + std::strerror(-rc));
  return true;
}

}  // namespace bulwark::privsep
