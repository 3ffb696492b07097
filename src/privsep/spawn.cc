#include "privsep/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <string_view>

namespace bulwark::privsep {
namespace {

constexpr int kScratchFdBase = 64;

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void execChild(const char* exe, char* const* argv, char* const* envp,
                            const std::vector<FdMapping>& fds) {
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
  execve(exe, argv, envp);
  _exit(127);
}

// NAME of "NAME=value" (the whole string if it has no '=').
std::string_view envName(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// main's environment without the names `env_set` assigns, then `env_set`.
std::vector<std::string> childEnvironment(const std::vector<std::string>& env_set) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view name = envName(*e);
    bool replaced = std::any_of(env_set.begin(), env_set.end(),
                                [&](const std::string& s) { return envName(s) == name; });
    if (!replaced) env.emplace_back(*e);
  }
  env.insert(env.end(), env_set.begin(), env_set.end());
  return env;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<pid_t> spawnProcess(const std::string& executable, const std::vector<std::string>& args,
                           const std::vector<FdMapping>& fds,
                           const std::vector<std::string>& env_set) {
  if (fds.size() > 16) return fail("spawn: too many descriptors");
  std::vector<std::string> storage;
  storage.push_back(executable);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv = pointersTo(storage);
  // Built before the fork: the child may only make async-signal-safe calls.
  std::vector<std::string> env = childEnvironment(env_set);
  std::vector<char*> envp = pointersTo(env);
  pid_t pid = fork();
  if (pid < 0) return errnoFail("fork");
  if (pid == 0) execChild(executable.c_str(), argv.data(), envp.data(), fds);
  return pid;
}

std::string selfDirectory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

}  // namespace bulwark::privsep
