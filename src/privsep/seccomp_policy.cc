#include "privsep/seccomp_policy.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/unique_fd.h"
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

using FilterPtr = std::unique_ptr<scmp_filter_ctx, FilterFree>;

Result<FilterPtr> buildFilter(SandboxRole role) {
  FilterPtr ctx(new scmp_filter_ctx(seccomp_init(kViolationAction)));
  if (*ctx == nullptr) return fail("seccomp_init failed");
  auto allowed = allowRoleSyscalls(role, *ctx);
  if (!allowed) return fail(allowed.error());
  if (auto r = allowSanitizerRuntime(*ctx); !r) return fail(r.error());
  return ctx;
}

void catchViolations() {
#ifdef BULWARK_SECCOMP_TRAP
  struct sigaction sa {};
  sa.sa_sigaction = reportViolation;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, nullptr);
#endif
}

}  // namespace

Result<bool> installSeccompPolicy(SandboxRole role) {
  catchViolations();
  auto ctx = buildFilter(role);
  if (!ctx) return fail(ctx.error());
  int rc = seccomp_load(**ctx);
  if (rc != 0) return fail(std::string("seccomp_load: ") + std::strerror(-rc));
  return true;
}

Result<CompiledFilter> CompiledFilter::compile(SandboxRole role) {
  auto ctx = buildFilter(role);
  if (!ctx) return fail(ctx.error());
  UniqueFd mem(::memfd_create("bulwark-seccomp", MFD_CLOEXEC));
  if (!mem) return fail(std::string("memfd_create: ") + std::strerror(errno));
  if (int rc = seccomp_export_bpf(**ctx, mem.get()); rc != 0)
    return fail(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0 || size > 65536)
    return fail("seccomp: exported filter has a bad size");
  std::vector<std::byte> bpf(static_cast<std::size_t>(size));
  if (::pread(mem.get(), bpf.data(), bpf.size(), 0) != size)
    return fail("seccomp: cannot read the exported filter");
  return CompiledFilter(std::move(bpf));
}

Result<void> CompiledFilter::load() const {
  catchViolations();
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(bpf_.size() / sizeof(sock_filter));
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<std::byte*>(bpf_.data()));
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return fail(std::string("seccomp: ") + std::strerror(errno));
  return {};
}

}  // namespace bulwark::privsep
