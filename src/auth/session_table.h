// SessionTable: authd's record of logged-in sessions, keyed by the HMAC of
// their cookie (threat-model.md #2: no credential cache, cookies are 256-bit
// random and only their HMAC is kept, in RAM).
//
// A session is "attached" while a tunnel uses it. A detached session may be
// re-attached with its cookie (openconnect -C, reconnect) until the cookie
// grace period runs out; a revoked session never comes back. The clock is
// injected so expiry is testable.
//
//   SessionTable t(SessionLimits{.cookie_grace = 300s});
//   auto issued = t.issue("alice", now);    // issued->cookie goes to the client once
//   auto s = t.attach(cookie_from_client, now);   // nullptr if unknown/expired/revoked
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::auth {

using Clock = std::chrono::steady_clock;

inline constexpr std::size_t kCookieBytes = 32;  // 256 random bits

struct SessionLimits {
  std::chrono::seconds cookie_grace{300};  // detached session lifetime
  std::chrono::seconds max_lifetime{0};    // 0 = unlimited
  unsigned max_per_user = 0;               // 0 = unlimited
};

struct Session {
  std::uint64_t id = 0;
  std::string username;
  Clock::time_point created;
  Clock::time_point detached_since;  // valid when attached == 0
  unsigned attached = 0;
};

struct IssuedCookie {
  SecretBuffer cookie;  // base64url, 43 chars; only the client ever gets it
  std::uint64_t session_id = 0;
};

class SessionTable {
 public:
  explicit SessionTable(SessionLimits limits);

  // Fails if the user already has max_per_user live sessions.
  Result<IssuedCookie> issue(const std::string& username, Clock::time_point now);
  // Looks the cookie up and marks the session attached; nullptr if unknown,
  // expired or revoked.
  const Session* attach(std::string_view cookie, Clock::time_point now);
  void detach(std::uint64_t session_id, Clock::time_point now);
  bool revoke(std::uint64_t session_id);
  std::vector<std::uint64_t> revokeUser(std::string_view username);
  // Removes expired sessions and returns their ids.
  std::vector<std::uint64_t> expire(Clock::time_point now);

  // A config reload: new limits apply to every session from now on (a
  // shorter lifetime can end existing sessions at the next expire()).
  void setLimits(SessionLimits limits) { limits_ = limits; }
  [[nodiscard]] std::size_t size() const { return sessions_.size(); }
  [[nodiscard]] unsigned liveSessionsOf(std::string_view username) const;

 private:
  [[nodiscard]] std::string digest(std::string_view cookie) const;
  [[nodiscard]] bool expired(const Session& s, Clock::time_point now) const;

  SessionLimits limits_;
  SecretBuffer hmac_key_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::string, Session> sessions_;     // HMAC(cookie) -> session
  std::unordered_map<std::uint64_t, std::string> by_id_;  // id -> HMAC(cookie)
};

}  // namespace bulwark::auth
