// bulwarkd: the gateway's main process. Reads the configuration, starts
// bulwark-authd, listens for clients and gives each connection to a fresh
// sandboxed bulwark-worker. It never parses bytes from the network.
//
//   bulwarkd --config /etc/bulwark/bulwark.toml --foreground
//   bulwarkd --config FILE --check      # validate the config and exit
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/log.h"
#include "config/config.h"
#include "main/gateway.h"

namespace {

// Classic double-fork-free daemonization: the parent exits once the child
// has its own session. stdio goes to /dev/null; logs then go to stderr's
// replacement, so run with --foreground under systemd or a container.
void daemonize() {
  pid_t pid = fork();
  if (pid < 0) std::exit(1);
  if (pid > 0) std::_Exit(0);
  setsid();
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
  }
}

// Main holds a descriptor per tunnel (its channel to the worker), and authd,
// which inherits the limit, one more. The soft limit a shell or systemd
// gives (1024) would refuse the thousandth client; the hard limit is what
// the admin allows.
rlim_t raiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised{lim.rlim_max, lim.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bulwarkd: Bulwark SSL VPN gateway"};
  std::string config_path = "/etc/bulwark/bulwark.toml";
  bool foreground = false, debug = false, check = false;
  app.add_option("-c,--config", config_path, "configuration file (TOML)");
  app.add_flag("-f,--foreground", foreground, "stay in the foreground (systemd, containers)");
  app.add_flag("-d,--debug", debug, "debug logging");
  app.add_flag("--check", check, "validate the configuration and exit");
  CLI11_PARSE(app, argc, argv);

  auto cfg = bulwark::config::loadConfig(config_path);
  if (!cfg) {
    std::fprintf(stderr, "bulwarkd: %s\n", cfg.error().message.c_str());
    return 1;
  }
  if (check) {
    std::printf("%s: OK\n", config_path.c_str());
    return 0;
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "bulwarkd: must start as root (TUN devices, worker sandboxing)\n");
    return 1;
  }
  // No core dumps for any role (children inherit the limit), and main's
  // memory is not readable by other processes of its uid.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!foreground) daemonize();
  rlim_t files = raiseFileLimit();
  bulwark::initLogging("bulwarkd", debug);
  spdlog::info("open files limit {} (a descriptor per tunnel)", files);
  bulwark::mainproc::Gateway gateway(std::move(*cfg), config_path, debug);
  if (auto r = gateway.start(); !r) {
    spdlog::critical("cannot start: {}", r.error().message);
    return 1;
  }
  gateway.run();
  return 0;
}
