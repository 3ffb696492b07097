// HttpSession: the HTTP phase of a worker connection. It reads bounded HTTP
// requests from the TLS stream and routes them by exact path match:
//   POST /                  XML login (config-auth init / auth-reply): the
//                           password form, then, if authd asks for it, the
//                           one-time-code form (auth id "totp")
//   CONNECT /CSCOSSLC/tunnel  cookie check, then the tunnel
// Anything else gets a 4xx and the connection closes. Every refusal is
// logged once with the client address; passwords are never logged.
//
//   HttpSession http(peer, init, tls, authd, main);
//   std::optional<GrantedTunnel> t = http.run(deadline);
#pragma once

#include <optional>
#include <string>

#include "ipc/channel.h"
#include "ipc/main_worker.h"
#include "proto/http/request.h"
#include "worker/authd_client.h"
#include "worker/tls_stream.h"
#include "worker/tunnel.h"

namespace bulwark::worker {

class HttpSession {
 public:
  HttpSession(const std::string& peer, const ipc::WorkerInit& init, TlsStream& tls,
              AuthdClient& authd, ipc::Channel& main);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  std::optional<GrantedTunnel> run(Deadline deadline);

 private:
  enum class Next { kContinue, kClose, kTunnel };
  Next handle(http::Request req, std::size_t consumed);
  bool readMore();
  Next route(const http::Request& req);
  Next answerLogin(const http::Request& req);
  Next answerAuthd(const Result<ipc::AuthReply>& reply, const std::string& user);
  Next sendSuccess(const ipc::AuthReply& reply);
  Next sendOtpForm(const std::string& error);
  Next answerConnect(const http::Request& req);
  Next sendForm(const std::string& error);
  Next refuse(int status, const std::string& reason, const std::string& why);
  bool send(const std::string& bytes);
  std::optional<GrantedTunnel> awaitTunnel();

  const std::string& peer_;
  const ipc::WorkerInit& init_;
  TlsStream& tls_;
  AuthdClient& authd_;
  ipc::Channel& main_;
  Deadline deadline_{};
  std::string buffer_;
  std::optional<GrantedTunnel> granted_;
  // authd accepted the password and waits for this connection's one-time
  // code; only authd's state decides, this just picks the form to show.
  bool awaiting_otp_ = false;
};

}  // namespace bulwark::worker
