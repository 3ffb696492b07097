#include "main/worker_launcher.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>

#include "common/log.h"
#include "ipc/limits.h"
#include "ipc/main_zygote.h"
#include "privsep/spawn.h"

namespace bulwark::mainproc {
namespace {

std::vector<std::string> identityArgs(const LaunchOptions& o) {
  std::vector<std::string> args = {"--uid",  std::to_string(o.uid), "--gid", std::to_string(o.gid),
                                   "--root", o.empty_root};
  if (o.debug) args.push_back("--debug");
  return args;
}

}  // namespace

void WorkerLauncher::prepare() {
  if (opt_.mode != WorkerLaunch::kFork) return;
  if (auto r = startZygote(); !r)
    spdlog::error("worker zygote: {}; workers are exec'd until it starts", r.error().message);
}

Result<void> WorkerLauncher::startZygote() {
  last_start_ = std::chrono::steady_clock::now();
  auto pair = ipc::makeChannelPair();
  if (!pair) return fail(pair.error());
  auto args = identityArgs(opt_);
  args.insert(args.begin(), "--zygote");
  auto pid = privsep::spawnProcess(opt_.executable, args, {{pair->second.get(), 3}},
                                   {kWorkerMallocTunables});
  if (!pid) return fail(pid.error());
  zygote_pid_ = *pid;
  ++zygotes_started_;
  zygote_ = ipc::Channel(std::move(pair->first), ipc::kMainZygoteCap, ipc::SpawnWorker::kFds);
  forks_ = 0;
  // Queued in the socket until the zygote reads it, like every SpawnWorker.
  if (auto r = zygote_.send(ipc::encodeFrame(ipc::ZygoteInit{opt_.cert_chain_pem})); !r) {
    retire();
    return fail(r.error());
  }
  spdlog::debug("worker zygote pid {}", zygote_pid_);
  return {};
}

bool WorkerLauncher::zygoteUsable() {
  if (opt_.mode != WorkerLaunch::kFork) return false;
  if (zygote_.valid() && forks_ >= kForksPerZygote) renew("it forked " + std::to_string(forks_));
  tick(std::chrono::steady_clock::now());
  return zygote_.valid();
}

Result<pid_t> WorkerLauncher::launch(int client, int to_main, int to_authd,
                                     const std::string& peer) {
  if (zygoteUsable()) {
    std::array<int, ipc::SpawnWorker::kFds> fds = {client, to_main, to_authd};
    auto sent = zygote_.trySendFds(ipc::encodeFrame(ipc::SpawnWorker{peer}), fds);
    if (sent && *sent) {
      ++forks_;
      return 0;
    }
    // Full (the zygote is stuck) or gone: this connection is exec'd.
    auto now = std::chrono::steady_clock::now();
    if (now - last_fallback_log_ >= std::chrono::seconds(10)) {
      spdlog::warn("worker zygote {}; exec'ing workers meanwhile",
                   sent ? "is not reading its channel" : sent.error().message);
      last_fallback_log_ = now;
    }
    if (!sent) renew("its channel failed");
  }
  if (opt_.mode == WorkerLaunch::kFork) ++exec_fallbacks_;
  return execWorker(client, to_main, to_authd, peer);
}

Result<pid_t> WorkerLauncher::execWorker(int client, int to_main, int to_authd,
                                         const std::string& peer) {
  auto args = identityArgs(opt_);
  args.push_back("--peer");
  args.push_back(peer);
  return privsep::spawnProcess(opt_.executable, args, {{client, 3}, {to_main, 4}, {to_authd, 5}},
                               {kWorkerMallocTunables});
}

void WorkerLauncher::retire() {
  retired_.insert(zygote_pid_);
  zygote_.close();  // it exits on EOF; main reaps it
  zygote_pid_ = -1;
}

void WorkerLauncher::renew(const std::string& why) {
  if (!zygote_.valid()) return;
  spdlog::info("replacing the worker zygote (pid {}): {}", zygote_pid_, why);
  retire();
  // At once, not at the next connection: after a crash no worker should
  // come from the old layout, and the next client should not wait.
  if (auto r = startZygote(); !r)
    spdlog::error("worker zygote: {}; workers are exec'd until it starts", r.error().message);
}

bool WorkerLauncher::zygoteExited(pid_t pid, int status) {
  if (retired_.erase(pid) > 0) return true;
  if (pid != zygote_pid_) return false;
  spdlog::error("worker zygote (pid {}) exited unexpectedly (status {}); restarting it", pid,
                status);
  zygote_.close();
  zygote_pid_ = -1;
  return true;
}

// Fork mode without a zygote (it died, or starting or renewing it failed):
// the next start is due one interval after the last.
bool WorkerLauncher::zygoteMissing() const {
  return opt_.mode == WorkerLaunch::kFork && !zygote_.valid();
}

int WorkerLauncher::msUntilTick(std::chrono::steady_clock::time_point now) const {
  if (!zygoteMissing()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(last_start_ + kRestartInterval - now);
  return static_cast<int>(std::max<long long>(0, left.count()));
}

void WorkerLauncher::tick(std::chrono::steady_clock::time_point now) {
  if (!zygoteMissing() || now - last_start_ < kRestartInterval) return;
  // A failed start is tried again one interval later.
  if (auto r = startZygote(); !r)
    spdlog::error("worker zygote: {}; workers are exec'd until it starts", r.error().message);
}

nlohmann::json WorkerLauncher::status() const {
  return {{"launch", opt_.mode == WorkerLaunch::kFork ? "fork" : "exec"},
          {"zygote_pid", zygote_pid_ > 0 ? zygote_pid_ : 0},
          {"forks_by_this_zygote", forks_},
          {"zygotes_started", zygotes_started_},
          {"exec_fallbacks", exec_fallbacks_}};
}

void WorkerLauncher::stop() {
  zygote_.close();
  if (zygote_pid_ > 0) ::kill(zygote_pid_, SIGTERM);
  zygote_pid_ = -1;
}

}  // namespace bulwark::mainproc
