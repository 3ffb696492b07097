#include "main/tunnel_mtu.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace bulwark::mainproc {
namespace {

// A 1500-byte Ethernet path as Linux reports it with TCP timestamps on.
PathInfo ethernet(bool ipv6 = false) { return PathInfo{1500, ipv6 ? 1428u : 1448u, true, ipv6}; }

TEST(TunnelMtu, AutoOverIpv4EthernetMatchesTheClientsDtlsSizing) {
  // anyconnect.md 3.4: 1500 - 20 - 8 - 13 - 8 - 16 - 1.
  TunnelMtu m = tunnelMtu(0, ethernet(), true);
  EXPECT_EQ(m.link, 1500u);
  EXPECT_EQ(m.tunnel, 1434u);
}

TEST(TunnelMtu, AutoWithoutDtlsLeavesRoomForIpAndUdpOnly) {
  EXPECT_EQ(tunnelMtu(0, ethernet(), false).tunnel, 1472u);  // what ocserv gives
}

TEST(TunnelMtu, Ipv6ClientsPayTheLargerHeader) {
  TunnelMtu m = tunnelMtu(0, ethernet(true), true);
  EXPECT_EQ(m.link, 1500u);
  EXPECT_EQ(m.tunnel, 1414u);
  EXPECT_EQ(tunnelMtu(0, ethernet(true), false).tunnel, 1452u);
}

TEST(TunnelMtu, AClientWithASmallerLinkLowersIt) {
  // PPPoE on the client's side: the path MTU here is 1500, its MSS says 1492.
  PathInfo pppoe{1500, 1440, true, false};
  TunnelMtu m = tunnelMtu(0, pppoe, true);
  EXPECT_EQ(m.link, 1492u);
  EXPECT_EQ(m.tunnel, 1426u);
  // Without timestamps the MSS is the whole segment payload.
  EXPECT_EQ(linkMtu(PathInfo{1500, 1452, false, false}), 1492u);
}

TEST(TunnelMtu, ThePathMtuCapsWhatTheMssClaims) {
  EXPECT_EQ(linkMtu(PathInfo{1400, 8948, true, false}), 1400u);
}

TEST(TunnelMtu, StaysWithinSaneLinkSizes) {
  EXPECT_EQ(linkMtu(PathInfo{0, 0, false, false}), 1500u);  // nothing known
  EXPECT_EQ(linkMtu(PathInfo{600, 548, true, false}), kMinLinkMtu);
  EXPECT_EQ(linkMtu(PathInfo{65536, 65483, true, false}), kMaxLinkMtu);
  EXPECT_EQ(linkMtu(PathInfo{0, 1448, true, false}), 1500u);   // MSS alone
  EXPECT_EQ(linkMtu(PathInfo{1500, 0, false, false}), 1500u);  // path MTU alone
}

TEST(TunnelMtu, AConfiguredValueIsUsedAsIs) {
  TunnelMtu m = tunnelMtu(1300, ethernet(), true);
  EXPECT_EQ(m.tunnel, 1300u);
  EXPECT_EQ(m.link, 1500u);  // the client still learns the real link
}

TEST(TunnelMtu, ReadsALoopbackConnection) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_TRUE(listener);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);
  UniqueFd client(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  UniqueFd server(::accept(listener.get(), nullptr, nullptr));
  ASSERT_TRUE(server);
  PathInfo p = pathInfoOf(server.get(), false);
  EXPECT_GT(p.pmtu, 1500u);  // loopback's MTU is 65536
  EXPECT_GT(p.snd_mss, 0u);
  EXPECT_EQ(linkMtu(p), kMaxLinkMtu);
  // Not a TCP socket: nothing known, and the family as given.
  UniqueFd udp(::socket(AF_INET6, SOCK_DGRAM, 0));
  PathInfo none = pathInfoOf(udp.get(), true);
  EXPECT_EQ(none.pmtu, 0u);
  EXPECT_TRUE(none.ipv6);
}

}  // namespace
}  // namespace bulwark::mainproc
