// bulwark-logship: streams the audit log to the remote syslog collector.
// Started by bulwarkd with fd 3 = its channel to main (ipc/main_logship.h).
// It is the only process that talks to the collector, so the TLS client
// (which parses the collector's handshake) runs here and not in main.
// Start-up order, fail closed: load the TLS material (the only files it
// reads), then the sandbox of the logship role (empty root, worker
// account, no capabilities, seccomp: no open at all), then the first
// connection. Any failing step: log it and exit 1; main respawns it later.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "common/log.h"
#include "ipc/limits.h"
#include "logship/shipper.h"
#include "logship/tls_client.h"
#include "privsep/sandbox.h"
#include "tls/sandbox_preload.h"

namespace {

struct LogshipArgs {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string root, address;
  std::uint16_t port = 0;
  bool tls = false;
  bulwark::logship::ClientTlsFiles files;
  bool debug = false;
};

void defineArgs(CLI::App& app, LogshipArgs& a) {
  app.add_option("--uid", a.uid)->required()->check(CLI::PositiveNumber);
  app.add_option("--gid", a.gid)->required()->check(CLI::PositiveNumber);
  app.add_option("--root", a.root)->required();
  app.add_option("--address", a.address)->required();
  app.add_option("--port", a.port)->required()->check(CLI::Range(1, 65535));
  app.add_flag("--tls", a.tls);
  app.add_option("--ca", a.files.ca_file);
  app.add_option("--cert", a.files.cert_file);
  app.add_option("--key", a.files.key_file);
  app.add_option("--server-name", a.files.expected_peer);
  app.add_flag("--debug", a.debug);
}

// The TLS context (null in plain TCP mode), built while files can be read.
bulwark::Result<std::optional<bulwark::tls::SslCtxPtr>> loadTls(LogshipArgs& a) {
  if (!a.tls) return std::optional<bulwark::tls::SslCtxPtr>{};
  if (a.files.expected_peer.empty()) a.files.expected_peer = a.address;
  auto ctx = bulwark::logship::makeClientContext(a.files);
  if (!ctx) return bulwark::fail(ctx.error());
  return std::optional(std::move(*ctx));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bulwark;
  LogshipArgs args;
  CLI::App app{"bulwark-logship is started by bulwarkd, not by hand"};
  defineArgs(app, args);
  CLI11_PARSE(app, argc, argv);
  initLogging("logship", args.debug);
  tls::preloadBeforeSandbox();  // everything that reads files, before the chroot
  // A collector that resets the connection must not kill us with SIGPIPE
  // (OpenSSL writes to the socket with write(2)).
  signal(SIGPIPE, SIG_IGN);
  auto address = logship::numericAddress(args.address, args.port);
  auto tls_ctx = loadTls(args);
  if (!address || !tls_ctx) {
    spdlog::critical("cannot start: {}",
                     !address ? address.error().message : tls_ctx.error().message);
    return 1;
  }
  privsep::SandboxSpec spec{args.uid, args.gid, args.root, 16, privsep::SandboxRole::kLogship};
  if (auto r = privsep::enterSandbox(spec); !r) {
    spdlog::critical("sandbox setup failed, exiting: {}", r.error().message);
    return 1;
  }
  SSL_CTX* ctx = *tls_ctx ? (*tls_ctx)->get() : nullptr;
  logship::Shipper shipper(ipc::Channel(UniqueFd(3), ipc::kMainLogshipCap),
                           logship::CollectorLink(std::move(*address), ctx));
  return shipper.run();
}
