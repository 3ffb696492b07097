// Messages between bulwarkd (main) and bulwark-authd.
//
// main -> authd: WorkerAttach + the authd end of a fresh worker channel,
//                WorkerGone, RevokeSession, RevokeUser, ClearBan (an admin
//                lifted a login back-off), PolicyUpdate (mitigation policy
//                login switches), AuthSettings (a config reload changed
//                the session or login limits).
// authd -> main: SessionGrant (a worker presented a valid cookie: main may
//                now lease an address and create its TUN), SessionEnded
//                (cookie revoked or expired: main frees the lease and ends
//                any live tunnel), KillWorker (the worker broke the
//                worker<->authd protocol: main kills it at once),
//                BanUpdate (a login back-off started or ended: main keeps
//                the list for `bulwarkctl bans`), AuditEvent (an
//                authentication event for the audit log, which main writes).
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

enum class MainAuthdType : std::uint16_t {
  kWorkerAttach = 1,
  kWorkerGone = 2,
  kRevokeSession = 3,
  kRevokeUser = 4,
  kClearBan = 5,
  kPolicyUpdate = 6,
  kAuthSettings = 7,
  kSessionGrant = 10,
  kSessionEnded = 11,
  kKillWorker = 12,
  kBanUpdate = 13,
  kAuditEvent = 14,
};

struct WorkerAttach {
  static constexpr auto kType = MainAuthdType::kWorkerAttach;
  std::uint64_t worker_id = 0;
  std::string peer;  // client address, for audit and rate limits
  void encode(Writer& w) const;
  static Result<WorkerAttach> decode(Reader& r);
};

struct WorkerGone {
  static constexpr auto kType = MainAuthdType::kWorkerGone;
  std::uint64_t worker_id = 0;
  void encode(Writer& w) const;
  static Result<WorkerGone> decode(Reader& r);
};

struct RevokeSession {
  static constexpr auto kType = MainAuthdType::kRevokeSession;
  std::uint64_t session_id = 0;
  void encode(Writer& w) const;
  static Result<RevokeSession> decode(Reader& r);
};

struct RevokeUser {
  static constexpr auto kType = MainAuthdType::kRevokeUser;
  std::string username;
  void encode(Writer& w) const;
  static Result<RevokeUser> decode(Reader& r);
};

struct SessionGrant {
  static constexpr auto kType = MainAuthdType::kSessionGrant;
  std::uint64_t worker_id = 0;
  std::uint64_t session_id = 0;
  std::string username;
  bool wants_dtls = false;  // as the worker said (CookieCheck): sizes the tunnel MTU
  void encode(Writer& w) const;
  static Result<SessionGrant> decode(Reader& r);
};

struct SessionEnded {
  static constexpr auto kType = MainAuthdType::kSessionEnded;
  std::uint64_t session_id = 0;
  void encode(Writer& w) const;
  static Result<SessionEnded> decode(Reader& r);
};

struct KillWorker {
  static constexpr auto kType = MainAuthdType::kKillWorker;
  std::uint64_t worker_id = 0;
  void encode(Writer& w) const;
  static Result<KillWorker> decode(Reader& r);
};

// The login switches of the active mitigation policy (main -> authd).
struct PolicyUpdate {
  static constexpr auto kType = MainAuthdType::kPolicyUpdate;
  bool disable_new_logins = false;
  bool disable_password_only = false;
  bool disable_totp = false;
  void encode(Writer& w) const;
  static Result<PolicyUpdate> decode(Reader& r);
};

// The reloadable authentication settings of the configuration (main ->
// authd, after a config reload). Durations in seconds; 0 = unlimited where
// the config says so.
struct AuthSettings {
  static constexpr auto kType = MainAuthdType::kAuthSettings;
  std::uint32_t cookie_grace = 0;
  std::uint32_t session_lifetime = 0;
  std::uint32_t max_per_user = 0;
  bool mfa_required = false;
  std::uint32_t max_failures = 0;
  std::uint32_t backoff = 0;
  std::uint32_t backoff_max = 0;
  void encode(Writer& w) const;
  static Result<AuthSettings> decode(Reader& r);
};

// key: "user:NAME", "addr:IP", or "*" for every back-off.
struct ClearBan {
  static constexpr auto kType = MainAuthdType::kClearBan;
  std::string key;
  void encode(Writer& w) const;
  static Result<ClearBan> decode(Reader& r);
};

struct BanUpdate {
  static constexpr auto kType = MainAuthdType::kBanUpdate;
  std::string key;
  std::uint32_t failures = 0;
  std::uint32_t seconds_remaining = 0;  // 0: the back-off was lifted
  void encode(Writer& w) const;
  static Result<BanUpdate> decode(Reader& r);
};

// One authentication event. Never carries a secret: user names, addresses
// and reasons only.
struct AuditEvent {
  static constexpr auto kType = MainAuthdType::kAuditEvent;
  std::string event;   // e.g. "login.failure"
  std::string user;    // may be empty
  std::string peer;    // client address, may be empty
  std::string detail;  // reason, may be empty
  void encode(Writer& w) const;
  static Result<AuditEvent> decode(Reader& r);
};

}  // namespace bulwark::ipc
