#include "worker/connection.h"

#include "common/log.h"
#include "tls/server_context.h"
#include "worker/http_session.h"
#include "worker/tls_stream.h"
#include "worker/tunnel.h"

namespace bulwark::worker {

Connection::Connection(std::string peer, ipc::Channel main, ipc::Channel authd, UniqueFd client,
                       tls::ReusableServerContext* prepared)
    : peer_(std::move(peer)),
      main_(std::move(main)),
      authd_(std::move(authd)),
      client_(std::move(client)),
      prepared_(prepared) {}

int Connection::serve() {
  // First, before any byte from the client: main learns this process's pid
  // from the kernel's credentials on this frame.
  if (!main_.sendMessage(ipc::WorkerStarted{})) return 1;
  auto frame = main_.receive();
  if (!frame) return 1;
  auto init = ipc::decodeFrame<ipc::WorkerInit>(*frame);
  if (!init) {
    spdlog::error("bad WorkerInit from main: {}", init.error().message);
    return 1;
  }
  tls::RemoteSigner signer = [this](const ipc::SignRequest& req) { return authd_.sign(req); };
  tls::SslCtxPtr own;
  tls::SslPtr ssl;
  if (prepared_ != nullptr && prepared_->chainPem() == init->cert_chain_pem) {
    prepared_->bindSigner(std::move(signer));
    ssl = prepared_->takeConnection();
  } else {
    auto made = tls::makeServerContext(init->cert_chain_pem, std::move(signer));
    if (!made) {
      spdlog::error("TLS setup: {}", made.error().message);
      return 1;
    }
    own = std::move(*made);
    ssl.reset(SSL_new(own.get()));
  }
  if (!ssl) {
    spdlog::error("TLS setup: SSL_new failed");
    return 1;
  }
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
  return tunnel.run();
}

}  // namespace bulwark::worker
