#include "worker/authd_client.h"

namespace bulwark::worker {

template <typename Reply, typename Request>
Result<Reply> AuthdClient::roundTrip(const Request& req) {
  if (auto s = ch_.sendMessage(req); !s) return fail(s.error());
  auto frame = ch_.receive();
  if (!frame) return fail(frame.error());
  return ipc::decodeFrame<Reply>(*frame);
}

Result<std::string> AuthdClient::sign(const ipc::SignRequest& req) {
  auto reply = roundTrip<ipc::SignReply>(req);
  if (!reply) return fail(reply.error());
  if (!reply->ok) return fail("authd refused to sign");
  return std::move(reply->signature);
}

Result<ipc::AuthReply> AuthdClient::authPassword(const std::string& username,
                                                 SecretBuffer password) {
  ipc::AuthPassword req{username, std::move(password)};
  return roundTrip<ipc::AuthReply>(req);
}

Result<ipc::AuthReply> AuthdClient::authOtp(SecretBuffer code) {
  ipc::AuthOtp req{std::move(code)};
  return roundTrip<ipc::AuthReply>(req);
}

Result<ipc::CookieReply> AuthdClient::checkCookie(SecretBuffer cookie, bool wants_dtls) {
  ipc::CookieCheck req{std::move(cookie), wants_dtls};
  return roundTrip<ipc::CookieReply>(req);
}

void AuthdClient::logout() { (void)ch_.sendMessage(ipc::Logout{}); }

}  // namespace bulwark::worker
