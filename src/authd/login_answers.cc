// The login steps of AuthdServer: password, then (if the user is enrolled or
// policy requires it) the one-time code, with the back-off applied to the
// account name and to the client address before anything is checked.
//
// What the client learns is the same for an unknown user, a wrong password
// and a locked account: "Login failed." after the same Argon2id work. Only a
// correct password leads to the second form, and only the full chain leads
// to a cookie.
#include <ctime>

#include "auth/password_hash.h"
#include "authd/authd_server.h"
#include "common/log.h"
#include "ipc/main_authd.h"

namespace bulwark::authd {
namespace {

constexpr const char* kFailed = "Login failed.";
constexpr const char* kGiveUp = "Authentication failed.";
constexpr const char* kThrottled = "Too many failed attempts. Try again later.";
constexpr const char* kEnterCode = "Enter the 6-digit code from your authenticator.";
constexpr const char* kWrongCode = "Wrong code. Try again.";
constexpr const char* kLoginsOff = "Logins are disabled by the administrator.";
constexpr const char* kNeedsMfa =
    "This account needs a second factor and has none: ask your administrator to enrol it.";

std::string userKey(const std::string& user) { return "user:" + user; }
std::string addrKey(const WorkerPeer& p) { return "addr:" + p.peer_address; }

ipc::AuthReply reply(ipc::AuthOutcome outcome, std::string message) {
  return ipc::AuthReply{outcome, std::move(message), SecretBuffer()};
}

}  // namespace

void AuthdServer::replyTo(WorkerPeer& p, const ipc::AuthReply& r) {
  if (!p.channel.send(ipc::encodeFrame(r))) dropWorker(p.worker_id, "send failed");
}

void AuthdServer::audit(const char* event, const std::string& user, const WorkerPeer* p,
                        const std::string& detail) {
  sendToMain(ipc::encodeFrame(ipc::AuditEvent{event, user, p ? p->peer : "", detail}));
}

bool AuthdServer::throttled(const WorkerPeer& p, const std::string& user) const {
  auto now = auth::Clock::now();
  return throttle_.blockedFor(userKey(user), now).count() > 0 ||
         throttle_.blockedFor(addrKey(p), now).count() > 0;
}

// A refused attempt during a back-off counts against this connection's
// tries but does not lengthen the back-off.
ipc::AuthReply AuthdServer::refuseThrottled(WorkerPeer& p, const std::string& user) {
  ++p.failed_logins;
  spdlog::warn("login throttled user={} peer={}", logSafe(user), p.peer);
  audit("login.throttled", user, &p, "back-off in force");
  bool last = p.failed_logins >= kMaxPasswordAttempts;
  return reply(last ? ipc::AuthOutcome::kRefused : ipc::AuthOutcome::kRetry, kThrottled);
}

void AuthdServer::countFailure(WorkerPeer& p, const std::string& user, const char* reason,
                               unsigned attempt) {
  spdlog::warn("login failed user={} peer={} reason={} attempt={}", logSafe(user), p.peer, reason,
               attempt);
  audit("login.failure", user, &p, reason);
  auto now = auth::Clock::now();
  for (const std::string& key : {userKey(user), addrKey(p)}) {
    auto block = throttle_.recordFailure(key, now);
    if (block.count() == 0) continue;
    auto bans = throttle_.bans(now);
    unsigned failures = 0;
    for (const auto& b : bans)
      if (b.key == key) failures = b.failures;
    spdlog::warn("back-off {} for {}s after {} failures", logSafe(key), block.count(), failures);
    audit("login.lockout", key.starts_with("user:") ? user : "", &p,
          key + " blocked for " + std::to_string(block.count()) + "s");
    sendToMain(
        ipc::encodeFrame(ipc::BanUpdate{key, failures, static_cast<std::uint32_t>(block.count())}));
  }
}

ipc::AuthReply AuthdServer::completeLogin(WorkerPeer& p, const std::string& user) {
  auto issued = sessions_.issue(user, auth::Clock::now());
  if (!issued) {
    spdlog::warn("login refused user={} peer={}: {}", logSafe(user), p.peer,
                 issued.error().message);
    audit("login.refused", user, &p, issued.error().message);
    return reply(ipc::AuthOutcome::kRefused, "Login refused: " + issued.error().message + ".");
  }
  throttle_.recordSuccess(userKey(user));
  p.logged_in = true;
  // The audit record below is main's log line for it.
  spdlog::debug("login ok user={} peer={} session={}", user, p.peer, issued->session_id);
  audit("login.success", user, &p, "session " + std::to_string(issued->session_id));
  ipc::AuthReply r = reply(ipc::AuthOutcome::kSuccess, "Welcome, " + user + ".");
  r.cookie = std::move(issued->cookie);
  return r;
}

void AuthdServer::answerPassword(WorkerPeer& p, const ipc::Frame& f) {
  auto req = ipc::decodeFrame<ipc::AuthPassword>(f);
  if (!req) return violation(p, req.error().message);
  const std::string& user = req->username;
  if (login_switches_.disable_new_logins) {
    req->password.wipe();
    audit("login.refused", user, &p, "new logins disabled by mitigation policy");
    return replyTo(p, reply(ipc::AuthOutcome::kRefused, kLoginsOff));
  }
  if (throttled(p, user)) {
    auth::burnDummyVerification(req->password.view());
    req->password.wipe();
    return replyTo(p, refuseThrottled(p, user));
  }
  PasswordVerdict v = users_.checkPassword(user, req->password);
  req->password.wipe();
  if (v != PasswordVerdict::kAccepted) {
    ++p.failed_logins;
    countFailure(p, user, verdictName(v), p.failed_logins);
    bool last = p.failed_logins >= kMaxPasswordAttempts;
    return replyTo(p, reply(last ? ipc::AuthOutcome::kDenied : ipc::AuthOutcome::kRetry,
                            last ? kGiveUp : kFailed));
  }
  switch (totp_.state(user)) {
    case TotpState::kEnrolled:
      if (login_switches_.disable_totp) {
        audit("login.refused", user, &p, "TOTP logins disabled by mitigation policy");
        return replyTo(p, reply(ipc::AuthOutcome::kRefused, kLoginsOff));
      }
      p.pending = PendingSecondFactor{user, auth::Clock::now() + kSecondFactorLifetime, 0};
      spdlog::info("password ok, awaiting one-time code user={} peer={}", user, p.peer);
      return replyTo(p, reply(ipc::AuthOutcome::kSecondFactor, kEnterCode));
    case TotpState::kUnavailable:
      audit("login.refused", user, &p, "TOTP file unreadable");
      return replyTo(p, reply(ipc::AuthOutcome::kDenied, kGiveUp));
    case TotpState::kNotEnrolled:
      if (login_switches_.disable_password_only) {
        audit("login.refused", user, &p, "password-only logins disabled by mitigation policy");
        return replyTo(p, reply(ipc::AuthOutcome::kRefused, kLoginsOff));
      }
      if (policy_.mfa_required) {
        spdlog::warn("login refused user={} peer={}: MFA required, no TOTP enrolled", user, p.peer);
        audit("login.refused", user, &p, "MFA required but no TOTP enrolled");
        return replyTo(p, reply(ipc::AuthOutcome::kRefused, kNeedsMfa));
      }
      return replyTo(p, completeLogin(p, user));
  }
}

void AuthdServer::answerOtp(WorkerPeer& p, const ipc::Frame& f) {
  auto req = ipc::decodeFrame<ipc::AuthOtp>(f);
  if (!req) return violation(p, req.error().message);
  PendingSecondFactor& pending = *p.pending;
  const std::string user = pending.username;
  if (auth::Clock::now() > pending.deadline) {
    p.pending.reset();
    audit("login.failure", user, &p, "second factor not given in time");
    return replyTo(p, reply(ipc::AuthOutcome::kDenied, kGiveUp));
  }
  if (throttled(p, user)) {
    p.pending.reset();
    return replyTo(p, refuseThrottled(p, user));
  }
  TotpVerdict v = totp_.verify(user, req->code, static_cast<std::int64_t>(std::time(nullptr)));
  req->code.wipe();
  if (v == TotpVerdict::kAccepted) {
    p.pending.reset();
    return replyTo(p, completeLogin(p, user));
  }
  countFailure(p, user, totpVerdictName(v), pending.failures + 1);
  if (++pending.failures >= kMaxOtpAttempts || v == TotpVerdict::kUnavailable) {
    p.pending.reset();
    return replyTo(p, reply(ipc::AuthOutcome::kDenied, kGiveUp));
  }
  replyTo(p, reply(ipc::AuthOutcome::kSecondFactor, kWrongCode));
}

void AuthdServer::clearBan(const std::string& key) {
  if (key == "*") {
    for (const auto& b : throttle_.bans(auth::Clock::now())) throttle_.clear(b.key);
  } else {
    throttle_.clear(key);
  }
  spdlog::info("back-off lifted by admin: {}", logSafe(key));
}

}  // namespace bulwark::authd
