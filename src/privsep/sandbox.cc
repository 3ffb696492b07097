#include "privsep/sandbox.h"

#include <grp.h>  // setgroups
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "privsep/seccomp_policy.h"

namespace bulwark::privsep {
namespace {

Result<void> setLimit(int resource, rlim_t value, const char* what) {
  rlimit lim{value, value};
  if (setrlimit(resource, &lim) != 0) return errnoFail(what);
  return {};
}

Result<void> applyRlimits(const SandboxSpec& spec) {
  if (auto r = setLimit(RLIMIT_NOFILE, spec.max_open_files, "rlimit nofile"); !r) return r;
  // No RLIMIT_FSIZE: stderr (the log) may be a regular file, and the empty
  // root already leaves nothing to create or grow.
  if (auto r = setLimit(RLIMIT_CORE, 0, "rlimit core"); !r) return r;
  // The zygote forks the workers; each lowers this to 0 itself (narrowToWorker).
  if (spec.role == SandboxRole::kWorkerZygote) return {};
  return setLimit(RLIMIT_NPROC, 0, "rlimit nproc");
}

Result<void> enterEmptyRoot(const std::string& dir) {
  if (::chroot(dir.c_str()) != 0) return errnoFail("chroot");
  if (::chdir("/") != 0) return errnoFail("chdir /");
  return {};
}

Result<void> dropIdentity(uid_t uid, gid_t gid) {
  if (uid == 0 || gid == 0) return fail("refusing to run a sandboxed role as root");
  if (::setgroups(0, nullptr) != 0) return errnoFail("setgroups");
  if (::setresgid(gid, gid, gid) != 0) return errnoFail("setresgid");
  if (::setresuid(uid, uid, uid) != 0) return errnoFail("setresuid");
  // Must not be able to get root back.
  if (::setuid(0) == 0 || ::seteuid(0) == 0) return fail("could regain uid 0 after the drop");
  return {};
}

Result<void> verifyNoCapabilities() {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) return errnoFail("cap_get_proc");
  cap_t empty = cap_init();
  int diff = cap_compare(caps, empty);
  cap_free(caps);
  cap_free(empty);
  if (diff != 0) return fail("capabilities remain after the uid drop");
  return {};
}

}  // namespace

Result<void> enterSandbox(const SandboxSpec& spec) {
  if (auto r = applyRlimits(spec); !r) return r;
  if (auto r = enterEmptyRoot(spec.empty_root); !r) return r;
  if (auto r = dropIdentity(spec.uid, spec.gid); !r) return r;
  if (auto r = verifyNoCapabilities(); !r) return r;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errnoFail("no_new_privs");
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return errnoFail("dumpable");
  auto seccomp = installSeccompPolicy(spec.role);
  if (!seccomp) return fail(seccomp.error());
  return {};
}

Result<void> narrowToWorker(const CompiledFilter& worker_filter) {
  if (auto r = setLimit(RLIMIT_NPROC, 0, "rlimit nproc"); !r) return r;
  return worker_filter.load();
}

Result<void> prepareEmptyRoot(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return fail("cannot create " + path + ": " + ec.message());
  if (::chown(path.c_str(), 0, 0) != 0 || ::chmod(path.c_str(), 0555) != 0)
    return errnoFail("empty root ownership");
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return fail(path + " is not a directory");
  if (st.st_uid != 0 || (st.st_mode & 022) != 0)
    return fail(path + " must be root-owned, mode 0555");
  if (!std::filesystem::is_empty(path, ec) || ec) return fail(path + " must be empty");
  return {};
}

}  // namespace bulwark::privsep
