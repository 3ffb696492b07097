#include "authd/authd_server.h"

#include <sys/epoll.h>

#include "common/log.h"
#include "ipc/limits.h"
#include "ipc/main_authd.h"

namespace bulwark::authd {

using ipc::MainAuthdType;
using ipc::WorkerAuthdType;

AuthdServer::AuthdServer(ipc::Channel main, tls::KeySigner signer, UserDirectory users,
                         TotpDirectory totp, auth::SessionLimits limits, AuthPolicy policy)
    : main_(std::move(main)),
      signer_(std::move(signer)),
      users_(std::move(users)),
      totp_(std::move(totp)),
      sessions_(limits),
      policy_(policy),
      throttle_(policy.throttle) {}

void AuthdServer::run() {
  loop_.add(main_.fd(), EPOLLIN, [this](std::uint32_t) { onMainReadable(); });
  auto last_expiry = auth::Clock::now();
  auto last_prune = last_expiry;
  while (running_) {
    // The timers below only have work while there are sessions or throttle
    // entries; otherwise authd sleeps until main or a worker writes.
    bool timers = sessions_.size() > 0 || throttle_.size() > 0;
    loop_.runOnce(timers ? 1000 : -1);
    auto now = auth::Clock::now();
    if (now - last_expiry >= std::chrono::seconds(1)) {
      expireSessions();
      last_expiry = now;
    }
    if (now - last_prune >= std::chrono::seconds(60)) {
      throttle_.prune(now);
      last_prune = now;
    }
  }
}

void AuthdServer::sendToMain(const ipc::Frame& f) {
  if (!main_.send(f)) running_ = false;
}

// ---- main channel ----

void AuthdServer::onMainReadable() {
  auto frame = main_.receive();
  if (!frame) {
    spdlog::info("main channel closed ({}); exiting", frame.error().message);
    running_ = false;
    return;
  }
  switch (static_cast<MainAuthdType>(frame->type)) {
    case MainAuthdType::kWorkerAttach:
      attachWorker(*frame);
      return;
    case MainAuthdType::kWorkerGone:
      if (auto m = ipc::decodeFrame<ipc::WorkerGone>(*frame)) dropWorker(m->worker_id, "gone");
      return;
    case MainAuthdType::kRevokeSession:
      if (auto m = ipc::decodeFrame<ipc::RevokeSession>(*frame))
        endSession(m->session_id, "revoked by admin");
      return;
    case MainAuthdType::kRevokeUser:
      if (auto m = ipc::decodeFrame<ipc::RevokeUser>(*frame)) {
        for (auto id : sessions_.revokeUser(m->username)) {
          spdlog::info("session {} of {} revoked by admin", id, m->username);
          sendToMain(ipc::encodeFrame(ipc::SessionEnded{id}));
        }
      }
      return;
    case MainAuthdType::kPolicyUpdate:
      if (auto m = ipc::decodeFrame<ipc::PolicyUpdate>(*frame)) {
        login_switches_ = *m;
        spdlog::info("mitigation: new logins {}, password-only {}, TOTP {}",
                     m->disable_new_logins ? "off" : "on", m->disable_password_only ? "off" : "on",
                     m->disable_totp ? "off" : "on");
      }
      return;
    case MainAuthdType::kClearBan:
      if (auto m = ipc::decodeFrame<ipc::ClearBan>(*frame)) clearBan(m->key);
      return;
    case MainAuthdType::kAuthSettings:
      if (auto m = ipc::decodeFrame<ipc::AuthSettings>(*frame)) applySettings(*m);
      return;
    default:
      // main is trusted, so this is a bug in one of the two binaries.
      spdlog::critical("unexpected message {} from main", frame->type);
      std::abort();
  }
}

void AuthdServer::applySettings(const ipc::AuthSettings& s) {
  sessions_.setLimits(auth::SessionLimits{std::chrono::seconds(s.cookie_grace),
                                          std::chrono::seconds(s.session_lifetime),
                                          s.max_per_user});
  policy_.mfa_required = s.mfa_required;
  policy_.throttle.max_failures = s.max_failures;
  policy_.throttle.initial = std::chrono::seconds(s.backoff);
  policy_.throttle.max = std::chrono::seconds(s.backoff_max);
  throttle_.setPolicy(policy_.throttle);
  spdlog::info(
      "settings reloaded: mfa {}, max_failures {}, backoff {}-{} s, cookie grace {} s, "
      "session lifetime {} s, max per user {}",
      s.mfa_required ? "required" : "optional", s.max_failures, s.backoff, s.backoff_max,
      s.cookie_grace, s.session_lifetime, s.max_per_user);
}

void AuthdServer::attachWorker(ipc::Frame& frame) {
  auto m = ipc::decodeFrame<ipc::WorkerAttach>(frame);
  if (!m || !frame.fd) {
    spdlog::critical("bad WorkerAttach from main");
    std::abort();
  }
  auto peer = std::make_unique<WorkerPeer>();
  peer->worker_id = m->worker_id;
  peer->peer = m->peer;
  peer->peer_address = addressOfPeer(m->peer);
  peer->channel = ipc::Channel(std::move(frame.fd), ipc::kWorkerAuthdCap);
  std::uint64_t id = m->worker_id;
  peer->token =
      loop_.add(peer->channel.fd(), EPOLLIN, [this, id](std::uint32_t) { onWorkerReadable(id); });
  workers_[id] = std::move(peer);
}

void AuthdServer::dropWorker(std::uint64_t worker_id, const char* why) {
  auto it = workers_.find(worker_id);
  if (it == workers_.end()) return;
  WorkerPeer& p = *it->second;
  if (p.attached_session) sessions_.detach(*p.attached_session, auth::Clock::now());
  spdlog::debug("worker {} channel closed: {}", worker_id, why);
  loop_.remove(p.token);
  workers_.erase(it);
}

void AuthdServer::violation(WorkerPeer& p, const std::string& why) {
  spdlog::warn("worker {} ({}) broke the authd protocol: {}; killing it", p.worker_id, p.peer, why);
  audit("worker.protocol_violation", "", &p, why);
  sendToMain(ipc::encodeFrame(ipc::KillWorker{p.worker_id}));
  dropWorker(p.worker_id, "protocol violation");
}

// ---- worker channels ----

void AuthdServer::onWorkerReadable(std::uint64_t worker_id) {
  auto it = workers_.find(worker_id);
  if (it == workers_.end()) return;
  WorkerPeer& p = *it->second;
  auto frame = p.channel.receive();
  if (!frame) {
    if (frame.error().message == ipc::kPeerClosed) {
      dropWorker(worker_id, "closed");
    } else {
      violation(p, frame.error().message);
    }
    return;
  }
  if (frame->fd) return violation(p, "unexpected fd");
  auto type = static_cast<WorkerAuthdType>(frame->type);
  if (!permitted(p, type))
    return violation(p, "message " + std::to_string(frame->type) + " not permitted in this state");
  switch (type) {
    case WorkerAuthdType::kSignRequest:
      return answerSign(p, *frame);
    case WorkerAuthdType::kAuthPassword:
      return answerPassword(p, *frame);
    case WorkerAuthdType::kAuthOtp:
      return answerOtp(p, *frame);
    case WorkerAuthdType::kCookieCheck:
      return answerCookie(p, *frame);
    case WorkerAuthdType::kLogout:
      return answerLogout(p);
    default:
      return violation(p, "unknown message");
  }
}

void AuthdServer::answerSign(WorkerPeer& p, const ipc::Frame& f) {
  auto req = ipc::decodeFrame<ipc::SignRequest>(f);
  if (!req) return violation(p, req.error().message);
  ++p.signatures;
  auto sig = signer_.sign(*req);
  if (!sig)
    spdlog::warn("worker {} ({}): sign refused: {}", p.worker_id, p.peer, sig.error().message);
  ipc::SignReply reply{sig.has_value(), sig ? *sig : std::string()};
  if (!p.channel.send(ipc::encodeFrame(reply))) dropWorker(p.worker_id, "send failed");
}

void AuthdServer::answerCookie(WorkerPeer& p, const ipc::Frame& f) {
  auto req = ipc::decodeFrame<ipc::CookieCheck>(f);
  if (!req) return violation(p, req.error().message);
  p.cookie_checked = true;
  const auth::Session* s = sessions_.attach(req->cookie.view(), auth::Clock::now());
  req->cookie.wipe();
  ipc::CookieReply reply;
  if (s != nullptr) {
    p.attached_session = s->id;
    reply = {true, s->username, s->id};
    // main must know before the worker asks for its tunnel.
    sendToMain(
        ipc::encodeFrame(ipc::SessionGrant{p.worker_id, s->id, s->username, req->wants_dtls}));
    spdlog::debug("tunnel granted user={} peer={} session={}", s->username, p.peer, s->id);
  } else {
    spdlog::warn("cookie rejected peer={}", p.peer);
  }
  if (!p.channel.send(ipc::encodeFrame(reply))) dropWorker(p.worker_id, "send failed");
}

void AuthdServer::answerLogout(WorkerPeer& p) {
  std::uint64_t id = *p.attached_session;
  p.attached_session.reset();
  endSession(id, "client logout");
}

void AuthdServer::endSession(std::uint64_t session_id, const char* why) {
  if (!sessions_.revoke(session_id)) return;
  for (auto& [_, w] : workers_)
    if (w->attached_session == session_id) w->attached_session.reset();
  spdlog::info("session {} ended: {}", session_id, why);
  sendToMain(ipc::encodeFrame(ipc::SessionEnded{session_id}));
}

void AuthdServer::expireSessions() {
  for (auto id : sessions_.expire(auth::Clock::now())) {
    for (auto& [_, w] : workers_)
      if (w->attached_session == id) w->attached_session.reset();
    spdlog::info("session {} ended: expired", id);
    sendToMain(ipc::encodeFrame(ipc::SessionEnded{id}));
  }
}

}  // namespace bulwark::authd
