// bulwark-worker: serves one client connection. Started by bulwarkd with
// fd 3 = the accepted TCP socket, fd 4 = channel to main, fd 5 = channel to
// authd. It enters its sandbox before reading a single byte from the client
// (docs/design/privsep.md, "Worker start-up order"); if any step fails it
// exits.
// With --zygote it is the worker zygote instead (worker/zygote.h): fd 3 is
// its channel from main, and it forks one worker per SpawnWorker.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "common/log.h"
#include "ipc/limits.h"
#include "ipc/main_zygote.h"
#include "privsep/sandbox.h"
#include "privsep/seccomp_policy.h"
#include "tls/sandbox_preload.h"
#include "worker/code_in_anon_memory.h"
#include "worker/connection.h"
#include "worker/zygote.h"

namespace {

struct WorkerArgs {
  std::uint64_t worker_id = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string root, peer;
  bool debug = false;
  bool zygote = false;
};

void defineArgs(CLI::App& app, WorkerArgs& a) {
  app.add_option("--worker-id", a.worker_id);
  app.add_flag("--zygote", a.zygote);
  app.add_option("--uid", a.uid)->required()->check(CLI::PositiveNumber);
  app.add_option("--gid", a.gid)->required()->check(CLI::PositiveNumber);
  app.add_option("--root", a.root)->required();
  app.add_option("--peer", a.peer);
  app.add_flag("--debug", a.debug);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bulwark;
  WorkerArgs args;
  CLI::App app{"bulwark-worker is started by bulwarkd, not by hand"};
  defineArgs(app, args);
  CLI11_PARSE(app, argc, argv);
  initLogging("worker", args.debug);
  tls::preloadBeforeSandbox();  // everything that reads files, before the chroot
  privsep::SandboxSpec spec{args.uid, args.gid, args.root};
  std::optional<privsep::CompiledFilter> worker_filter;
  if (args.zygote) {
    spec.role = privsep::SandboxRole::kWorkerZygote;
#ifdef BULWARK_ZYGOTE_CODE_TO_ANON
    // Only slower without it (worker/code_in_anon_memory.h). Static builds
    // only: a sanitizer build's reports need the code mapped from its file.
    if (auto moved = worker::moveCodeToAnonymousMemory(); !moved)
      spdlog::warn("zygote: {}", moved.error().message);
#endif
    auto compiled = privsep::CompiledFilter::compile(privsep::SandboxRole::kWorker);
    if (!compiled) {
      spdlog::critical("sandbox setup failed, exiting: {}", compiled.error().message);
      return 1;
    }
    worker_filter = std::move(*compiled);
  }
  if (auto r = privsep::enterSandbox(spec); !r) {
    spdlog::critical("sandbox setup failed, exiting: {}", r.error().message);
    return 1;
  }
  if (args.zygote)
    return worker::runZygote(ipc::Channel(UniqueFd(3), ipc::kMainZygoteCap, ipc::SpawnWorker::kFds),
                             *worker_filter);
  worker::Connection conn(args.peer, ipc::Channel(UniqueFd(4), ipc::kMainWorkerCap),
                          ipc::Channel(UniqueFd(5), ipc::kWorkerAuthdCap), UniqueFd(3));
  return conn.serve();
}
