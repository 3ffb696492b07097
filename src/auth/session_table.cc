#include "auth/session_table.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace bulwark::auth {
namespace {

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  // A broken RNG is a broken invariant: abort rather than issue weak cookies.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    std::abort();
  return out;
}

std::string base64url(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (unsigned char c : raw) {
    bits = (bits << 8) | c;
    nbits += 8;
    while (nbits >= 6) {
      out.push_back(kAlphabet[(bits >> (nbits - 6)) & 63]);
      nbits -= 6;
    }
  }
  if (nbits > 0) out.push_back(kAlphabet[(bits << (6 - nbits)) & 63]);
  return out;
}

}  // namespace

SessionTable::SessionTable(SessionLimits limits) : limits_(limits) {
  std::string key = randomBytes(32);
  hmac_key_ = SecretBuffer::take(key);
  // Session ids are not secret but should not reveal how many sessions ran.
  std::string seed = randomBytes(4);
  next_id_ = 1 + (static_cast<std::uint64_t>(static_cast<unsigned char>(seed[0])) << 8 |
                  static_cast<unsigned char>(seed[1]));
}

std::string SessionTable::digest(std::string_view cookie) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), hmac_key_.view().data(), static_cast<int>(hmac_key_.size()),
       reinterpret_cast<const unsigned char*>(cookie.data()), cookie.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool SessionTable::expired(const Session& s, Clock::time_point now) const {
  if (limits_.max_lifetime.count() > 0 && now - s.created >= limits_.max_lifetime) return true;
  return s.attached == 0 && now - s.detached_since >= limits_.cookie_grace;
}

unsigned SessionTable::liveSessionsOf(std::string_view username) const {
  unsigned n = 0;
  for (const auto& [_, s] : sessions_) n += s.username == username ? 1 : 0;
  return n;
}

Result<IssuedCookie> SessionTable::issue(const std::string& username, Clock::time_point now) {
  if (limits_.max_per_user > 0 && liveSessionsOf(username) >= limits_.max_per_user)
    return fail("too many sessions for this user");
  std::string raw = randomBytes(kCookieBytes);
  std::string token = base64url(raw);
  secureWipe(raw.data(), raw.size());
  Session s{next_id_++, username, now, now, 0};
  std::string key = digest(token);
  by_id_[s.id] = key;
  std::uint64_t id = s.id;
  sessions_.emplace(std::move(key), std::move(s));
  return IssuedCookie{SecretBuffer::take(token), id};
}

const Session* SessionTable::attach(std::string_view cookie, Clock::time_point now) {
  auto it = sessions_.find(digest(cookie));
  if (it == sessions_.end() || expired(it->second, now)) return nullptr;
  ++it->second.attached;
  return &it->second;
}

void SessionTable::detach(std::uint64_t session_id, Clock::time_point now) {
  auto id = by_id_.find(session_id);
  if (id == by_id_.end()) return;
  Session& s = sessions_.at(id->second);
  if (s.attached > 0 && --s.attached == 0) s.detached_since = now;
}

bool SessionTable::revoke(std::uint64_t session_id) {
  auto id = by_id_.find(session_id);
  if (id == by_id_.end()) return false;
  sessions_.erase(id->second);
  by_id_.erase(id);
  return true;
}

std::vector<std::uint64_t> SessionTable::revokeUser(std::string_view username) {
  std::vector<std::uint64_t> ids;
  for (const auto& [_, s] : sessions_)
    if (s.username == username) ids.push_back(s.id);
  for (auto id : ids) revoke(id);
  return ids;
}

std::vector<std::uint64_t> SessionTable::expire(Clock::time_point now) {
  std::vector<std::uint64_t> ids;
  for (const auto& [_, s] : sessions_)
    if (expired(s, now)) ids.push_back(s.id);
  for (auto id : ids) revoke(id);
  return ids;
}

}  // namespace bulwark::auth
