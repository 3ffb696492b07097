// bulwark-worker: serves one client connection. Started by bulwarkd with
// fd 3 = the accepted TCP socket, fd 4 = channel to main, fd 5 = channel to
// authd. It enters its sandbox before reading a single byte from the client
// (docs/design/privsep.md, "Worker start-up order"); if any step fails it
// exits.
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "common/log.h"
#include "ipc/limits.h"
#include "privsep/sandbox.h"
#include "worker/connection.h"

namespace {

struct WorkerArgs {
  std::uint64_t worker_id = 0;
  long uid = -1, gid = -1;
  std::string root, peer;
  bool debug = false;
};

bool parseArgs(int argc, char** argv, WorkerArgs& a) {
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--debug") {
      a.debug = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (k == "--worker-id") a.worker_id = std::stoull(v);
    else if (k == "--uid") a.uid = std::stol(v);
    else if (k == "--gid") a.gid = std::stol(v);
    else if (k == "--root") a.root = v;
    else if (k == "--peer") a.peer = v;
    else return false;
  }
  return a.uid > 0 && a.gid > 0 && !a.root.empty();
}

// Everything that reads files must happen before the chroot.
void preloadLibraries() {
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CONFIG, nullptr);
  unsigned char seed[16];
  RAND_bytes(seed, sizeof(seed));
  tzset();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bulwark;
  WorkerArgs args;
  try {
    if (!parseArgs(argc, argv, args)) throw std::invalid_argument("args");
  } catch (const std::exception&) {
    std::fprintf(stderr, "bulwark-worker is started by bulwarkd, not by hand\n");
    return 2;
  }
  initLogging("worker", args.debug);
  preloadLibraries();
  privsep::SandboxSpec spec{static_cast<uid_t>(args.uid), static_cast<gid_t>(args.gid), args.root};
  if (auto r = privsep::enterSandbox(spec); !r) {
    spdlog::critical("sandbox setup failed, exiting: {}", r.error().message);
    return 1;
  }
  worker::Connection conn(args.peer, ipc::Channel(UniqueFd(4), ipc::kMainWorkerCap),
                          ipc::Channel(UniqueFd(5), ipc::kWorkerAuthdCap), UniqueFd(3));
  return conn.serve();
}
