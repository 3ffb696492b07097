#include "worker/wake_moderation.h"

#include <gtest/gtest.h>

namespace bulwark::worker {
namespace {

using std::chrono::microseconds;
const auto kT0 = WakeModeration::Clock::time_point(std::chrono::seconds(1000));

TEST(WakeModeration, BulkFromTheClientHoldsUntilDelayAfterTheWakeUp) {
  WakeModeration m(microseconds(100));
  m.woke(kT0);
  m.fromClient(1400);
  m.fromClient(1400);
  ASSERT_TRUE(m.holdUntil());
  EXPECT_EQ(*m.holdUntil(), kT0 + microseconds(100));
}

TEST(WakeModeration, OnePacketOrSmallPacketsNeverHold) {
  WakeModeration m(microseconds(100));
  m.woke(kT0);
  m.fromClient(1400);  // a single packet: a ping, one keystroke
  EXPECT_FALSE(m.holdUntil());
  m.woke(kT0);
  for (int i = 0; i < 64; ++i) m.fromClient(52);  // TCP ACKs of a download
  EXPECT_FALSE(m.holdUntil());
  m.fromClient(WakeModeration::kBulkPacket - 1);
  EXPECT_FALSE(m.holdUntil());
}

TEST(WakeModeration, EachWakeUpStartsCountingAfresh) {
  WakeModeration m(microseconds(100));
  m.woke(kT0);
  m.fromClient(1400);
  m.fromClient(1400);
  m.woke(kT0 + microseconds(500));
  m.fromClient(1400);
  EXPECT_FALSE(m.holdUntil());
  m.fromClient(WakeModeration::kBulkPacket);
  EXPECT_EQ(m.holdUntil(), kT0 + microseconds(600));
}

TEST(WakeModeration, ZeroDelayTurnsItOff) {
  WakeModeration m(microseconds(0));
  m.woke(kT0);
  for (int i = 0; i < 64; ++i) m.fromClient(1400);
  EXPECT_FALSE(m.holdUntil());
}

}  // namespace
}  // namespace bulwark::worker
