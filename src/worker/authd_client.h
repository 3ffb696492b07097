// AuthdClient: the worker's side of the worker<->authd channel. Each call is
// one request and (except logout) one reply; the worker never decides an
// authentication itself. A broken channel is fatal for the worker.
//
//   AuthdClient authd(ipc::Channel(UniqueFd(5), ipc::kWorkerAuthdCap));
//   auto reply = authd.authPassword("alice", std::move(password));
#pragma once

#include <string>

#include "common/error.h"
#include "common/secret_buffer.h"
#include "ipc/channel.h"
#include "ipc/worker_authd.h"

namespace bulwark::worker {

class AuthdClient {
 public:
  explicit AuthdClient(ipc::Channel ch) : ch_(std::move(ch)) {}
  Result<std::string> sign(const ipc::SignRequest& req);
  Result<ipc::AuthReply> authPassword(const std::string& username, SecretBuffer password);
  Result<ipc::AuthReply> authOtp(SecretBuffer code);
  Result<ipc::CookieReply> checkCookie(SecretBuffer cookie, bool wants_dtls);
  void logout();

 private:
  template <typename Reply, typename Request>
  Result<Reply> roundTrip(const Request& req);
  ipc::Channel ch_;
};

}  // namespace bulwark::worker
