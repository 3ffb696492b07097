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
  EXPECT_EQ(m.hold(), kT0 + microseconds(100));
  EXPECT_EQ(m.holds(), 1u);
  EXPECT_EQ(m.wakeUps(), 1u);
}

TEST(WakeModeration, OnePacketOrSmallPacketsNeverHold) {
  WakeModeration m(microseconds(100));
  m.woke(kT0);
  m.fromClient(1400);  // a single packet: a ping, one keystroke
  EXPECT_FALSE(m.hold());
  m.woke(kT0);
  for (int i = 0; i < 64; ++i) m.fromClient(52);  // TCP ACKs of a download
  m.fromClient(WakeModeration::kBulkPacket - 1);
  EXPECT_FALSE(m.hold());
  m.woke(kT0);  // a wake-up for main's channel or a timer
  EXPECT_FALSE(m.hold());
  EXPECT_EQ(m.holds(), 0u);
  EXPECT_EQ(m.wakeUps(), 3u);
}

TEST(WakeModeration, EachWakeUpStartsCountingAfresh) {
  WakeModeration m(microseconds(100));
  m.woke(kT0);
  m.fromClient(1400);
  m.fromClient(1400);
  ASSERT_TRUE(m.hold());
  m.woke(kT0 + microseconds(500));
  m.fromClient(1400);
  EXPECT_FALSE(m.hold());
  m.woke(kT0 + microseconds(900));
  m.fromClient(1400);
  m.fromClient(WakeModeration::kBulkPacket);
  EXPECT_EQ(m.hold(), kT0 + microseconds(1000));
  EXPECT_EQ(m.holds(), 2u);
}

TEST(WakeModeration, ZeroDelayTurnsItOff) {
  WakeModeration m(microseconds(0));
  m.woke(kT0);
  for (int i = 0; i < 64; ++i) m.fromClient(1400);
  EXPECT_FALSE(m.hold());
  EXPECT_EQ(m.holds(), 0u);
}

}  // namespace
}  // namespace bulwark::worker
