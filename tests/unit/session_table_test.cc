#include "auth/session_table.h"

#include <gtest/gtest.h>

namespace bulwark::auth {
namespace {

using namespace std::chrono_literals;

TEST(SessionTable, CookieIs256BitBase64UrlAndAttaches) {
  SessionTable t({});
  auto now = Clock::now();
  auto c = t.issue("alice", now);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cookie.size(), 43u);
  EXPECT_EQ(c->cookie.view().find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string_view::npos);
  const Session* s = t.attach(c->cookie.view(), now);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->username, "alice");
  EXPECT_EQ(s->id, c->session_id);
}

TEST(SessionTable, UnknownCookieIsRejected) {
  SessionTable t({});
  auto now = Clock::now();
  ASSERT_TRUE(t.issue("alice", now));
  EXPECT_EQ(t.attach("not-a-cookie", now), nullptr);
}

TEST(SessionTable, RevokedCookieNeverAttachesAgain) {
  SessionTable t({});
  auto now = Clock::now();
  auto c = t.issue("alice", now);
  EXPECT_TRUE(t.revoke(c->session_id));
  EXPECT_EQ(t.attach(c->cookie.view(), now), nullptr);
}

TEST(SessionTable, DetachedSessionExpiresAfterGrace) {
  SessionTable t({.cookie_grace = 300s});
  auto now = Clock::now();
  auto c = t.issue("alice", now);
  ASSERT_NE(t.attach(c->cookie.view(), now), nullptr);
  t.detach(c->session_id, now + 10s);
  EXPECT_TRUE(t.expire(now + 309s).empty());
  ASSERT_NE(t.attach(c->cookie.view(), now + 309s), nullptr);  // reconnect in time
  t.detach(c->session_id, now + 310s);
  auto gone = t.expire(now + 611s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0], c->session_id);
}

TEST(SessionTable, AttachedSessionDoesNotExpireByGrace) {
  SessionTable t({.cookie_grace = 1s});
  auto now = Clock::now();
  auto c = t.issue("alice", now);
  ASSERT_NE(t.attach(c->cookie.view(), now), nullptr);
  EXPECT_TRUE(t.expire(now + 1h).empty());
}

TEST(SessionTable, MaxLifetimeEndsEvenAttachedSessions) {
  SessionTable t({.cookie_grace = 300s, .max_lifetime = 60s});
  auto now = Clock::now();
  auto c = t.issue("alice", now);
  ASSERT_NE(t.attach(c->cookie.view(), now), nullptr);
  EXPECT_EQ(t.expire(now + 61s).size(), 1u);
}

TEST(SessionTable, PerUserLimitAndRevokeUser) {
  SessionTable t({.max_per_user = 2});
  auto now = Clock::now();
  ASSERT_TRUE(t.issue("bob", now));
  ASSERT_TRUE(t.issue("bob", now));
  EXPECT_FALSE(t.issue("bob", now));
  EXPECT_TRUE(t.issue("alice", now));
  EXPECT_EQ(t.revokeUser("bob").size(), 2u);
  EXPECT_TRUE(t.issue("bob", now));
}

}  // namespace
}  // namespace bulwark::auth
