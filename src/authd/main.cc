// bulwark-authd: the one process that decides authentication and holds the
// secrets (TLS private key, password hashes, TOTP seeds, session cookies). Started by
// bulwarkd with fork+exec; fd 3 is its channel to main. It is not dumpable,
// so no other process of the same uid can read its memory.
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "authd/authd_server.h"
#include "common/log.h"
#include "ipc/limits.h"
#include "privsep/seccomp_policy.h"

namespace {

struct AuthdArgs {
  std::string cert, key, users, totp;
  long cookie_grace = 300, session_lifetime = 0, max_per_user = 0;
  long max_failures = 5, backoff = 30, backoff_max = 900;
  bool mfa_required = false;
  bool debug = false;
};

void defineArgs(CLI::App& app, AuthdArgs& a) {
  app.add_option("--cert", a.cert)->required();
  app.add_option("--key", a.key)->required();
  app.add_option("--users", a.users)->required();
  app.add_option("--cookie-grace", a.cookie_grace);
  app.add_option("--session-lifetime", a.session_lifetime);
  app.add_option("--max-per-user", a.max_per_user);
  app.add_option("--totp", a.totp)->required();
  app.add_flag("--mfa-required", a.mfa_required);
  app.add_option("--max-failures", a.max_failures);
  app.add_option("--backoff", a.backoff);
  app.add_option("--backoff-max", a.backoff_max);
  app.add_flag("--debug", a.debug);
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
  CLI::App app{"bulwark-authd is started by bulwarkd, not by hand"};
  defineArgs(app, args);
  CLI11_PARSE(app, argc, argv);
  initLogging("authd", args.debug);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Keep the key, hashes, seeds and cookies out of swap.
  if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
    spdlog::warn("mlockall failed ({}); secrets may be swapped out", std::strerror(errno));
  auto signer = tls::KeySigner::load(args.key, readFile(args.cert));
  if (!signer) {
    spdlog::critical("TLS key: {}", signer.error().message);
    return 1;
  }
  auth::SessionLimits limits{std::chrono::seconds(args.cookie_grace),
                             std::chrono::seconds(args.session_lifetime),
                             static_cast<unsigned>(args.max_per_user)};
  authd::AuthPolicy policy;
  policy.mfa_required = args.mfa_required;
  policy.throttle.max_failures = static_cast<unsigned>(args.max_failures);
  policy.throttle.initial = std::chrono::seconds(args.backoff);
  policy.throttle.max = std::chrono::seconds(args.backoff_max);
  authd::AuthdServer server(ipc::Channel(UniqueFd(3), ipc::kMainAuthdCap), std::move(*signer),
                            authd::UserDirectory(args.users), authd::TotpDirectory(args.totp),
                            limits, policy);
  // From here on authd only serves its channels: confine it.
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (auto sc = privsep::installSeccompPolicy(privsep::SandboxRole::kAuthd); !sc) {
    spdlog::critical("seccomp: {}", sc.error().message);
    return 1;
  }
  spdlog::info("ready");
  server.run();
  return 0;
}
