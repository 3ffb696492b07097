// bulwark-authd: the one process that decides authentication and holds the
// secrets (TLS private key, password hashes, session cookies). Started by
// bulwarkd with fork+exec; fd 3 is its channel to main. It is not dumpable,
// so no other process of the same uid can read its memory.
#include <sys/prctl.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "authd/authd_server.h"
#include "common/log.h"
#include "ipc/limits.h"

namespace {

struct AuthdArgs {
  std::string cert, key, users;
  long cookie_grace = 300, session_lifetime = 0, max_per_user = 0;
  bool debug = false;
};

bool parseArgs(int argc, char** argv, AuthdArgs& a) {
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--debug") {
      a.debug = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (k == "--cert") a.cert = v;
    else if (k == "--key") a.key = v;
    else if (k == "--users") a.users = v;
    else if (k == "--cookie-grace") a.cookie_grace = std::stol(v);
    else if (k == "--session-lifetime") a.session_lifetime = std::stol(v);
    else if (k == "--max-per-user") a.max_per_user = std::stol(v);
    else return false;
  }
  return !a.cert.empty() && !a.key.empty() && !a.users.empty();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bulwark;
  AuthdArgs args;
  if (!parseArgs(argc, argv, args)) {
    std::fprintf(stderr, "bulwark-authd is started by bulwarkd, not by hand\n");
    return 2;
  }
  initLogging("authd", args.debug);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  auto signer = tls::KeySigner::load(args.key, readFile(args.cert));
  if (!signer) {
    spdlog::critical("TLS key: {}", signer.error().message);
    return 1;
  }
  auth::SessionLimits limits{std::chrono::seconds(args.cookie_grace),
                             std::chrono::seconds(args.session_lifetime),
                             static_cast<unsigned>(args.max_per_user)};
  authd::AuthdServer server(ipc::Channel(UniqueFd(3), ipc::kMainAuthdCap), std::move(*signer),
                            authd::UserDirectory(args.users), limits);
  spdlog::info("ready");
  server.run();
  return 0;
}
