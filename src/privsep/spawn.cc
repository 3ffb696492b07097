#include "privsep/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

namespace bulwark::privsep {
namespace {

constexpr int kScratchFdBase = 64;

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void execChild(const char* exe, char* const* argv, const std::vector<FdMapping>& fds) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  int scratch[16];
  std::size_t n = fds.size() < 16 ? fds.size() : 16;
  // Move sources out of the way first so a source never clobbers a target.
  for (std::size_t i = 0; i < n; ++i) {
    scratch[i] = fcntl(fds[i].source, F_DUPFD_CLOEXEC, kScratchFdBase);
    if (scratch[i] < 0) _exit(126);
  }
  int highest = 2;
  for (std::size_t i = 0; i < n; ++i) {
    if (dup2(scratch[i], fds[i].target) < 0) _exit(126);
    if (fds[i].target > highest) highest = fds[i].target;
  }
  syscall(SYS_close_range, highest + 1, ~0U, 0);
  execv(exe, argv);
  _exit(127);
}

}  // namespace

Result<pid_t> spawnProcess(const std::string& executable, const std::vector<std::string>& args,
                           const std::vector<FdMapping>& fds) {
  if (fds.size() > 16) return fail("spawn: too many descriptors");
  std::vector<std::string> storage;
  storage.push_back(executable);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) execChild(executable.c_str(), argv.data(), fds);
  return pid;
}

std::string selfDirectory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

}  // namespace bulwark::privsep
