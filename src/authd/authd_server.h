// AuthdServer: bulwark-authd's event loop. It serves the main channel and one
// channel per worker, and alone decides every authentication
// (architecture.md property 4): password checks, cookie issue/check/revoke,
// and TLS signatures with the key only it holds.
#pragma once

#include <chrono>
#include <memory>
#include <unordered_map>

#include "auth/session_table.h"
#include "auth/throttle.h"
#include "authd/totp_directory.h"
#include "authd/user_directory.h"
#include "authd/worker_peer.h"
#include "common/event_loop.h"
#include "ipc/channel.h"
#include "ipc/main_authd.h"
#include "tls/key_signer.h"

namespace bulwark::authd {

struct AuthPolicy {
  bool mfa_required = false;  // users without TOTP cannot log in
  auth::ThrottlePolicy throttle;
};

class AuthdServer {
 public:
  AuthdServer(ipc::Channel main, tls::KeySigner signer, UserDirectory users, TotpDirectory totp,
              auth::SessionLimits limits, AuthPolicy policy);
  // Runs until main closes its channel.
  void run();

 private:
  void onMainReadable();
  void onWorkerReadable(std::uint64_t worker_id);
  void attachWorker(ipc::Frame& frame);
  void dropWorker(std::uint64_t worker_id, const char* why);
  void violation(WorkerPeer& p, const std::string& why);

  void answerSign(WorkerPeer& p, const ipc::Frame& f);
  // Login steps (login_answers.cc).
  void answerPassword(WorkerPeer& p, const ipc::Frame& f);
  void answerOtp(WorkerPeer& p, const ipc::Frame& f);
  ipc::AuthReply completeLogin(WorkerPeer& p, const std::string& user);
  ipc::AuthReply refuseThrottled(WorkerPeer& p, const std::string& user);
  // attempt: the how-manieth try of this step on this connection.
  void countFailure(WorkerPeer& p, const std::string& user, const char* reason, unsigned attempt);
  bool throttled(const WorkerPeer& p, const std::string& user) const;
  void replyTo(WorkerPeer& p, const ipc::AuthReply& reply);
  void audit(const char* event, const std::string& user, const WorkerPeer* p,
             const std::string& detail);
  void clearBan(const std::string& key);
  void applySettings(const ipc::AuthSettings& s);

  void answerCookie(WorkerPeer& p, const ipc::Frame& f);
  void answerLogout(WorkerPeer& p);

  void endSession(std::uint64_t session_id, const char* why);
  void expireSessions();
  void sendToMain(const ipc::Frame& f);

  ipc::Channel main_;
  tls::KeySigner signer_;
  UserDirectory users_;
  TotpDirectory totp_;
  auth::SessionTable sessions_;
  AuthPolicy policy_;
  auth::Throttle throttle_;
  ipc::PolicyUpdate login_switches_;  // from the mitigation policy
  EventLoop loop_;
  bool running_ = true;
  std::unordered_map<std::uint64_t, std::unique_ptr<WorkerPeer>> workers_;
};

}  // namespace bulwark::authd
