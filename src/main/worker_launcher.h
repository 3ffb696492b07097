// WorkerLauncher: starts the bulwark-worker for one accepted connection, in
// one of two ways (server.worker_launch):
//   "fork" (default): through the worker zygote, a bulwark-worker started
//     once with --zygote that has initialised OpenSSL and entered its sandbox;
//     it forks each worker as main's child (worker/zygote.h). The pid is not
//     known at launch: the worker announces itself (WorkerStarted).
//   "exec": fork + exec of a fresh bulwark-worker per connection: its own
//     address-space layout per connection, at about twice the CPU per connect
//     and memory per session.
// Forked workers share the zygote's layout, so the launcher replaces the
// zygote (new exec, new layout) after a worker dies of a crash signal, after
// kForksPerZygote workers, and on reload. If the zygote cannot be used, the
// connection is served by exec instead; a connection is never refused for it.
//
//   WorkerLauncher l({exe, uid, gid, root, debug, WorkerLaunch::kFork});
//   auto pid = l.launch(client, worker_main_end, worker_authd_end, peer);  // 0: announced later
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/error.h"
#include "ipc/channel.h"

namespace bulwark::mainproc {

enum class WorkerLaunch { kFork, kExec };

// Set in every bulwark-worker's environment (zygote and exec'd), for glibc's
// malloc. A forked worker shares the zygote's heap until it writes a page,
// and each page it writes first is a copy-on-write fault (12-15 us on a VM
// that shadows page tables).
// - tcache_count=0: the per-thread cache refills itself with up to seven
//   free chunks of a size at a time from the zygote's bins, writing a
//   pointer into each: pages the worker would not otherwise touch. Without
//   it a worker takes about 19 fewer faults per connection (104 -> 85). No
//   data-path code allocates per packet, so the cache buys nothing there.
// - trim_threshold: a worker serves one connection and exits, so shrinking
//   its heap when the connection ends (0.2 ms of page-table work) is wasted;
//   the memory goes with the process a moment later.
inline constexpr const char* kWorkerMallocTunables =
    "GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.trim_threshold=268435456";

struct LaunchOptions {
  std::string executable;  // bulwark-worker
  uid_t uid = 0;
  gid_t gid = 0;
  std::string empty_root;
  std::string cert_chain_pem;  // for the zygote's prepared TLS context
  bool debug = false;
  WorkerLaunch mode = WorkerLaunch::kFork;
};

class WorkerLauncher {
 public:
  static constexpr unsigned kForksPerZygote = 1000;
  // A zygote that keeps dying (say, its sandbox cannot be set up) is
  // restarted at most this often; connections in between are served by exec.
  static constexpr auto kRestartInterval = std::chrono::seconds(1);

  explicit WorkerLauncher(LaunchOptions options) : opt_(std::move(options)) {}
  // Starts the zygote ahead of the first connection (fork mode only).
  void prepare();
  // The worker's pid when known now (exec), 0 when it will announce itself.
  Result<pid_t> launch(int client, int to_main, int to_authd, const std::string& peer);
  // main reaped `pid`: true if it was a zygote (current or retired).
  bool zygoteExited(pid_t pid, int status);
  // In fork mode without a zygote (it died, or starting it failed), tick()
  // starts one, at most once per kRestartInterval; the next connection
  // does the same. For main's loop: ms until tick() has that to do, -1 for
  // nothing.
  [[nodiscard]] int msUntilTick(std::chrono::steady_clock::time_point now) const;
  void tick(std::chrono::steady_clock::time_point now);
  // The next worker comes from a new zygote; the current one exits once its
  // channel closes.
  void renew(const std::string& why);
  // At shutdown.
  void stop();
  [[nodiscard]] pid_t zygotePid() const { return zygote_pid_; }
  // For `bulwarkctl status`: mode, zygote pid (0: none), forks and restarts.
  [[nodiscard]] nlohmann::json status() const;

 private:
  Result<void> startZygote();
  void retire();  // the current zygote exits; no new one yet
  Result<pid_t> execWorker(int client, int to_main, int to_authd, const std::string& peer);
  bool zygoteUsable();
  [[nodiscard]] bool zygoteMissing() const;

  LaunchOptions opt_;
  ipc::Channel zygote_;
  pid_t zygote_pid_ = -1;
  unsigned forks_ = 0;  // by the current zygote
  unsigned zygotes_started_ = 0;
  std::uint64_t exec_fallbacks_ = 0;  // connections exec'd in fork mode
  std::set<pid_t> retired_;
  std::chrono::steady_clock::time_point last_start_{};
  std::chrono::steady_clock::time_point last_fallback_log_{};
};

}  // namespace bulwark::mainproc
