#include "pool/ip_pool.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bulwark::pool {
namespace {

constexpr std::uint32_t kNet = 0xC0A86300;  // 192.168.99.0

TEST(IpPool, GatewayIsFirstHostAndClientsStartAfterIt) {
  IpPool pool(kNet, 24);
  EXPECT_EQ(formatIpv4(pool.gateway()), "192.168.99.1");
  EXPECT_EQ(formatIpv4(*pool.lease(1, "u" + std::to_string(1))), "192.168.99.2");
  EXPECT_EQ(pool.capacity(), 253u);
}

TEST(IpPool, SameSessionKeepsItsAddress) {
  IpPool pool(kNet, 24);
  auto a = pool.lease(42, "u" + std::to_string(42));
  pool.lease(43, "u" + std::to_string(43));
  EXPECT_EQ(*pool.lease(42, "u" + std::to_string(42)), *a);
  EXPECT_EQ(pool.inUse(), 2u);
}

TEST(IpPool, ExhaustionIsAnErrorAndReleaseFreesTheAddress) {
  IpPool pool(kNet, 30);  // .0 net, .1 gw, .2 client, .3 broadcast
  ASSERT_TRUE(pool.lease(1, "u" + std::to_string(1)));
  EXPECT_FALSE(pool.lease(2, "u" + std::to_string(2)));
  pool.release(1);
  auto again = pool.lease(2, "u" + std::to_string(2));
  ASSERT_TRUE(again);
  EXPECT_EQ(formatIpv4(*again), "192.168.99.2");
}

TEST(IpPool, NeverHandsOutGatewayNetworkOrBroadcast) {
  IpPool pool(kNet, 28);
  std::set<std::uint32_t> seen;
  for (std::uint64_t s = 0; s < 13; ++s) {
    auto a = pool.lease(s, "u" + std::to_string(s));
    ASSERT_TRUE(a) << s;
    EXPECT_GT(*a, kNet + 1);
    EXPECT_LT(*a, kNet + 15);
    EXPECT_TRUE(seen.insert(*a).second);
  }
  EXPECT_FALSE(pool.lease(99, "u" + std::to_string(99)));
}

TEST(IpPool, AUsersNewSessionGetsTheirLastAddressWhileItIsFree) {
  IpPool pool(kNet, 24);
  auto first = pool.lease(1, "alice");
  ASSERT_TRUE(first);
  pool.release(1);
  ASSERT_TRUE(pool.lease(2, "bob"));  // bob does not get alice's address
  EXPECT_NE(*pool.addressOf(2), *first);
  pool.release(2);
  auto again = pool.lease(3, "alice");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
}

TEST(IpPool, AReleasedAddressIsTheLastToGoToSomeoneElse) {
  IpPool pool(kNet, 29);  // five client addresses: .2 to .6
  ASSERT_TRUE(pool.lease(1, "alice"));
  pool.release(1);
  std::set<std::uint32_t> others;
  for (std::uint64_t s = 2; s <= 5; ++s) others.insert(*pool.lease(s, "user" + std::to_string(s)));
  EXPECT_EQ(others.count(kNet + 2), 0u);  // alice's .2 waited until the others were out
  auto last = pool.lease(6, "carol");
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, kNet + 2);
  pool.release(6);
  // carol had it last now: alice's claim on it is gone.
  for (std::uint64_t s = 2; s <= 5; ++s) pool.release(s);
  auto alice = pool.lease(7, "alice");
  ASSERT_TRUE(alice);
  EXPECT_NE(*alice, kNet + 2);
  EXPECT_EQ(*pool.lease(8, "carol"), kNet + 2);
}

TEST(IpPool, AUserWithTwoSessionsGetsTwoAddresses) {
  IpPool pool(kNet, 24);
  auto a = pool.lease(1, "alice");
  auto b = pool.lease(2, "alice");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);
  pool.release(1);
  pool.release(2);
  EXPECT_EQ(*pool.lease(3, "alice"), *b);  // the last one leased
}

}  // namespace
}  // namespace bulwark::pool
