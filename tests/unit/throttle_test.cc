#include <gtest/gtest.h>

#include "auth/throttle.h"

namespace bulwark::auth {
namespace {

using namespace std::chrono_literals;
using Clock = Throttle::Clock;

ThrottlePolicy policy() {
  ThrottlePolicy p;
  p.max_failures = 3;
  p.initial = 10s;
  p.max = 35s;
  p.forget = 100s;
  return p;
}

TEST(Throttle, BlocksAfterMaxFailuresAndDoubles) {
  Throttle t(policy());
  Clock::time_point now{};
  EXPECT_EQ(t.recordFailure("user:a", now), 0s);
  EXPECT_EQ(t.recordFailure("user:a", now), 0s);
  EXPECT_EQ(t.blockedFor("user:a", now), 0s);
  EXPECT_EQ(t.recordFailure("user:a", now), 10s);
  EXPECT_EQ(t.blockedFor("user:a", now), 10s);
  EXPECT_EQ(t.blockedFor("user:b", now), 0s);
  now += 10s;
  EXPECT_EQ(t.blockedFor("user:a", now), 0s);
  EXPECT_EQ(t.recordFailure("user:a", now), 20s);
  now += 20s;
  EXPECT_EQ(t.recordFailure("user:a", now), 35s);  // capped at max
}

TEST(Throttle, AttemptsDuringABlockDoNotExtendIt) {
  Throttle t(policy());
  Clock::time_point now{};
  for (int i = 0; i < 3; ++i) t.recordFailure("addr:10.0.0.2", now);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(t.recordFailure("addr:10.0.0.2", now + 5s), 0s);
  EXPECT_EQ(t.blockedFor("addr:10.0.0.2", now + 5s), 5s);
  EXPECT_EQ(t.blockedFor("addr:10.0.0.2", now + 10s), 0s);
}

TEST(Throttle, SuccessAndClearResetTheCount) {
  Throttle t(policy());
  Clock::time_point now{};
  t.recordFailure("user:a", now);
  t.recordFailure("user:a", now);
  t.recordSuccess("user:a");
  EXPECT_EQ(t.recordFailure("user:a", now), 0s);
  t.recordFailure("user:a", now);
  t.recordFailure("user:a", now);
  EXPECT_GT(t.blockedFor("user:a", now), 0s);
  EXPECT_TRUE(t.clear("user:a"));
  EXPECT_EQ(t.blockedFor("user:a", now), 0s);
  EXPECT_FALSE(t.clear("user:a"));
}

TEST(Throttle, ListsBansAndForgetsQuietEntries) {
  Throttle t(policy());
  Clock::time_point now{};
  for (int i = 0; i < 3; ++i) t.recordFailure("user:b", now);
  t.recordFailure("user:a", now);
  auto bans = t.bans(now + 1s);
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans[0].key, "user:b");
  EXPECT_EQ(bans[0].failures, 3u);
  EXPECT_EQ(bans[0].remaining, 9s);
  t.prune(now + 99s);
  EXPECT_EQ(t.size(), 2u);
  t.prune(now + 110s);
  EXPECT_EQ(t.size(), 0u);
}

TEST(Throttle, TableIsCappedDroppingTheLongestIdle) {
  ThrottlePolicy p = policy();
  p.max_entries = 3;
  Throttle t(p);
  Clock::time_point now{};
  t.recordFailure("user:old", now);
  t.recordFailure("user:b", now + 1s);
  t.recordFailure("user:c", now + 2s);
  t.recordFailure("user:d", now + 3s);
  EXPECT_EQ(t.size(), 3u);
  // "old" was dropped: its next failure starts again from one.
  t.recordFailure("user:old", now + 4s);
  t.recordFailure("user:old", now + 4s);
  EXPECT_EQ(t.blockedFor("user:old", now + 4s), 0s);
}

}  // namespace
}  // namespace bulwark::auth
