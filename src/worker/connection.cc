#include "worker/connection.h"

#include <malloc.h>

#include "common/log.h"
#include "tls/server_context.h"
#include "worker/http_session.h"
#include "worker/tls_stream.h"
#include "worker/tunnel.h"

namespace bulwark::worker {

Connection::Connection(std::string peer, ipc::Channel main, ipc::Channel authd, UniqueFd client)
    : peer_(std::move(peer)),
      main_(std::move(main)),
      authd_(std::move(authd)),
      client_(std::move(client)) {}

int Connection::serve() {
  auto frame = main_.receive();
  if (!frame) return 1;
  auto init = ipc::decodeFrame<ipc::WorkerInit>(*frame);
  if (!init) {
    spdlog::error("bad WorkerInit from main: {}", init.error().message);
    return 1;
  }
  auto ctx = tls::makeServerContext(
      init->cert_chain_pem, [this](const ipc::SignRequest& req) { return authd_.sign(req); });
  if (!ctx) {
    spdlog::error("TLS setup: {}", ctx.error().message);
    return 1;
  }
  tls::SslPtr ssl(SSL_new(ctx->get()));
  TlsStream stream(std::move(ssl), std::move(client_));
  Deadline deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(init->auth_timeout_seconds);
  if (auto h = stream.handshake(deadline); !h) {
    spdlog::info("{}: TLS handshake: {}", peer_, h.error().message);
    return 0;
  }
  HttpSession http(peer_, *init, stream, authd_, main_);
  auto granted = http.run(deadline);
  if (!granted) return 0;
  Tunnel tunnel(peer_, *init, stream, std::move(*granted), main_, authd_);
  // The handshake, login and XML left freed heap behind; give those pages
  // back before the tunnel settles in for hours (PSS per session).
  ::malloc_trim(0);
  return tunnel.run();
}

}  // namespace bulwark::worker
