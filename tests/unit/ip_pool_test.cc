#include "pool/ip_pool.h"

#include <gtest/gtest.h>

#include <set>

namespace bulwark::pool {
namespace {

constexpr std::uint32_t kNet = 0xC0A86300;  // 192.168.99.0

TEST(IpPool, GatewayIsFirstHostAndClientsStartAfterIt) {
  IpPool pool(kNet, 24);
  EXPECT_EQ(formatIpv4(pool.gateway()), "192.168.99.1");
  EXPECT_EQ(formatIpv4(*pool.lease(1)), "192.168.99.2");
  EXPECT_EQ(pool.capacity(), 253u);
}

TEST(IpPool, SameSessionKeepsItsAddress) {
  IpPool pool(kNet, 24);
  auto a = pool.lease(42);
  pool.lease(43);
  EXPECT_EQ(*pool.lease(42), *a);
  EXPECT_EQ(pool.inUse(), 2u);
}

TEST(IpPool, ExhaustionIsAnErrorAndReleaseFreesTheAddress) {
  IpPool pool(kNet, 30);  // .0 net, .1 gw, .2 client, .3 broadcast
  ASSERT_TRUE(pool.lease(1));
  EXPECT_FALSE(pool.lease(2));
  pool.release(1);
  auto again = pool.lease(2);
  ASSERT_TRUE(again);
  EXPECT_EQ(formatIpv4(*again), "192.168.99.2");
}

TEST(IpPool, NeverHandsOutGatewayNetworkOrBroadcast) {
  IpPool pool(kNet, 28);
  std::set<std::uint32_t> seen;
  for (std::uint64_t s = 0; s < 13; ++s) {
    auto a = pool.lease(s);
    ASSERT_TRUE(a) << s;
    EXPECT_GT(*a, kNet + 1);
    EXPECT_LT(*a, kNet + 15);
    EXPECT_TRUE(seen.insert(*a).second);
  }
  EXPECT_FALSE(pool.lease(99));
}

}  // namespace
}  // namespace bulwark::pool
