// TunPool: devices are reused (as they are, for the same address), and
// nothing of one tunnel reaches the next.
//
// Each test runs in a private network namespace of its own (needs root, as
// CI has): its devices vanish with the namespace, also when a test fails.
#include "tun/tun_pool.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "tun/link_netlink.h"

namespace bulwark::tun {
namespace {

constexpr std::uint32_t kGateway = 0x0a090001;  // 10.9.0.1
constexpr std::uint32_t kPeerA = 0x0a090002;
constexpr std::uint32_t kPeerB = 0x0a090003;
constexpr TunConfig kConfigA{kGateway, kPeerA, 1400};
constexpr TunConfig kConfigB{kGateway, kPeerB, 1400};

// The link notifications of the test's namespace, from the moment it is made.
//
// When the last attachment of a device closes, the kernel turns its carrier
// off and its link watcher (asynchronous) parks the transmit queue; when a new
// tunnel attaches, carrier comes back on and the watcher re-enables the queue
// a moment later. Packets routed to the device in between are dropped. The
// watcher announces the re-enabled link with an RTM_NEWLINK that says
// IFF_RUNNING (operational state and queue change together under the RTNL
// lock), so a test that sends right after a re-attachment waits for it.
class LinkEvents {
 public:
  LinkEvents() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE)) {
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = RTMGRP_LINK;
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0)
        << std::strerror(errno);
  }

  // True once a notification says `name` runs; false after `limit` (the
  // kernel's watcher runs at least once a second).
  bool waitRunning(const std::string& name,
                   std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const int index = static_cast<int>(::if_nametoindex(name.c_str()));
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (drainFindsRunning(index)) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    }
  }

 private:
  bool drainFindsRunning(int index) {
    alignas(nlmsghdr) char buf[16384];
    bool found = false;
    ssize_t n;
    while ((n = ::recv(fd_.get(), buf, sizeof(buf), 0)) > 0) {
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type != RTM_NEWLINK) continue;
        const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
        if (info->ifi_index == index && (info->ifi_flags & IFF_RUNNING) != 0) found = true;
      }
    }
    return found;
  }

  UniqueFd fd_;
};

class TunPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace and TUN devices";
    home_.reset(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(home_) << std::strerror(errno);
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
  }
  void TearDown() override {
    if (home_) {
      ASSERT_EQ(::setns(home_.get(), CLONE_NEWNET), 0) << std::strerror(errno);
    }
  }

  static bool exists(const std::string& name) { return ::if_nametoindex(name.c_str()) != 0; }

  // The device's link group (IFLA_GROUP of an RTM_GETLINK answer).
  static std::uint32_t groupOf(const std::string& name) {
    alignas(nlmsghdr) char buf[8192] = {};
    nlmsghdr* h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = RTM_GETLINK;
    h->nlmsg_flags = NLM_F_REQUEST;
    h->nlmsg_seq = 7;
    auto* link = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(h, sizeof(ifinfomsg)));
    link->ifi_index = static_cast<int>(::if_nametoindex(name.c_str()));
    mnl_socket* nl = mnl_socket_open(NETLINK_ROUTE);
    EXPECT_NE(nl, nullptr);
    EXPECT_EQ(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
    EXPECT_GT(mnl_socket_sendto(nl, h, h->nlmsg_len), 0);
    ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
    mnl_socket_close(nl);
    EXPECT_GT(n, 0) << std::strerror(errno);
    std::uint32_t group = ~0u;
    auto* reply = reinterpret_cast<nlmsghdr*>(buf);
    EXPECT_EQ(reply->nlmsg_type, RTM_NEWLINK);
    auto* attr = static_cast<nlattr*>(mnl_nlmsg_get_payload_offset(reply, sizeof(ifinfomsg)));
    for (;
         mnl_attr_ok(attr, static_cast<int>(static_cast<char*>(mnl_nlmsg_get_payload_tail(reply)) -
                                            reinterpret_cast<char*>(attr)));
         attr = mnl_attr_next(attr))
      if (mnl_attr_get_type(attr) == IFLA_GROUP) group = mnl_attr_get_u32(attr);
    return group;
  }

  static bool isUp(const std::string& name) {
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    EXPECT_EQ(::ioctl(s.get(), SIOCGIFFLAGS, &ifr), 0) << std::strerror(errno);
    return (ifr.ifr_flags & IFF_UP) != 0;
  }

  static std::uint32_t peerOf(const std::string& name) {
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    EXPECT_EQ(::ioctl(s.get(), SIOCGIFDSTADDR, &ifr), 0) << std::strerror(errno);
    return ntohl(reinterpret_cast<sockaddr_in*>(&ifr.ifr_dstaddr)->sin_addr.s_addr);
  }

  static int mtuOf(const std::string& name) {
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    EXPECT_EQ(::ioctl(s.get(), SIOCGIFMTU, &ifr), 0) << std::strerror(errno);
    return ifr.ifr_mtu;
  }

  // A UDP datagram to `peer`: routed into the TUN device whose peer it is.
  // Returns the errno of sendto, 0 on success.
  static int sendTo(std::uint32_t peer) {
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(peer);
    const char payload[] = "left behind";
    if (::sendto(s.get(), payload, sizeof(payload), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof(to)) < 0)
      return errno;
    return 0;
  }

  // Destinations of the IPv4 packets waiting on the attachment `fd` (the
  // kernel's own IPv6 packets, such as router solicitations, are skipped).
  static std::vector<std::uint32_t> queuedIpv4Destinations(int fd) {
    constexpr std::size_t kVnetHeader = 10;
    std::vector<std::uint32_t> out;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    unsigned char buf[2048];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
      if (static_cast<std::size_t>(n) < kVnetHeader + 20 || (buf[kVnetHeader] >> 4) != 4) continue;
      std::uint32_t dst;
      std::memcpy(&dst, buf + kVnetHeader + 16, sizeof(dst));
      out.push_back(ntohl(dst));
    }
    EXPECT_EQ(errno, EAGAIN);
    return out;
  }

  UniqueFd home_;
};

TEST(TunPoolName, OnlyThePoolPatternCounts) {
  EXPECT_TRUE(isPoolName("bwk0"));
  EXPECT_TRUE(isPoolName("bwk12345"));
  EXPECT_FALSE(isPoolName("bwk"));
  EXPECT_FALSE(isPoolName("bwkx"));
  EXPECT_FALSE(isPoolName("bwk1a"));
  EXPECT_FALSE(isPoolName("eth0"));
  EXPECT_FALSE(isPoolName("xbwk1"));
  EXPECT_FALSE(isPoolName("bwk123456789012345"));  // longer than IFNAMSIZ allows
}

TEST_F(TunPoolTest, TheSameAddressGetsItsDeviceBackAsItWas) {
  TunPool pool;
  auto first = pool.acquire(kConfigA);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(isUp(first->name));
  EXPECT_EQ(peerOf(first->name), kPeerA);
  std::string name = first->name;
  first->fd.reset();  // the worker exits
  pool.release(name);
  LinkEvents events;
  EXPECT_TRUE(exists(name));
  EXPECT_TRUE(isUp(name));  // kept configured and up
  EXPECT_EQ(pool.stats().idle, 1u);

  auto second = pool.acquire(kConfigA);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->name, name);
  EXPECT_EQ(peerOf(name), kPeerA);
  auto st = pool.stats();
  EXPECT_EQ(st.created, 1u);
  EXPECT_EQ(st.reused, 1u);
  EXPECT_EQ(st.kept_config, 1u);
  EXPECT_EQ(st.in_use, 1u);
  EXPECT_EQ(st.idle, 0u);
  ASSERT_TRUE(events.waitRunning(name));
  ASSERT_EQ(sendTo(kPeerA), 0);  // and it carries the new tunnel's traffic
  EXPECT_EQ(queuedIpv4Destinations(second->fd.get()), std::vector<std::uint32_t>{kPeerA});
}

TEST_F(TunPoolTest, AnotherAddressReconfiguresAnIdleDevice) {
  TunPool pool;
  auto first = pool.acquire(kConfigA);
  ASSERT_TRUE(first);
  std::string name = first->name;
  first->fd.reset();
  pool.release(name);
  auto second = pool.acquire(kConfigB);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->name, name);
  EXPECT_EQ(peerOf(name), kPeerB);
  EXPECT_TRUE(isUp(name));
  EXPECT_EQ(pool.stats().kept_config, 0u);
  EXPECT_EQ(sendTo(kPeerA), ENETUNREACH);  // the old peer's route went with it
}

TEST_F(TunPoolTest, PacketsQueuedForTheOldTunnelDoNotReachTheNext) {
  for (auto next : {kConfigA, kConfigB}) {
    TunPool pool;
    auto first = pool.acquire(kConfigA);
    ASSERT_TRUE(first);
    ASSERT_EQ(sendTo(kPeerA), 0);  // queued on the attachment, never read
    first->fd.reset();
    pool.release(first->name);
    LinkEvents events;
    ASSERT_EQ(sendTo(kPeerA), 0);  // routed to the idle device: dropped there

    auto second = pool.acquire(next);
    ASSERT_TRUE(second);
    ASSERT_EQ(second->name, first->name);
    EXPECT_TRUE(queuedIpv4Destinations(second->fd.get()).empty());
    // The new tunnel's own traffic does arrive.
    ASSERT_TRUE(events.waitRunning(second->name));
    ASSERT_EQ(sendTo(next.peer), 0);
    EXPECT_EQ(queuedIpv4Destinations(second->fd.get()), std::vector<std::uint32_t>{next.peer});
    second->fd.reset();
    pool.release(second->name);
  }
}

TEST_F(TunPoolTest, AnAddressIsOnOneDeviceOnly) {
  TunPool pool;
  auto a = pool.acquire(kConfigA);
  ASSERT_TRUE(a);
  std::string first = a->name;
  a->fd.reset();
  pool.release(first);
  auto b = pool.acquire(kConfigB);   // takes the idle device, A's route goes
  auto a2 = pool.acquire(kConfigA);  // a new device for A
  ASSERT_TRUE(b);
  ASSERT_TRUE(a2);
  EXPECT_EQ(b->name, first);
  EXPECT_NE(a2->name, first);
  ASSERT_EQ(sendTo(kPeerA), 0);
  ASSERT_EQ(sendTo(kPeerB), 0);
  EXPECT_EQ(queuedIpv4Destinations(a2->fd.get()), std::vector<std::uint32_t>{kPeerA});
  EXPECT_EQ(queuedIpv4Destinations(b->fd.get()), std::vector<std::uint32_t>{kPeerB});
}

TEST_F(TunPoolTest, ANewMtuForTheSameAddressIsSet) {
  TunPool pool;
  auto first = pool.acquire(kConfigA);
  ASSERT_TRUE(first);
  first->fd.reset();
  pool.release(first->name);
  TunConfig smaller = kConfigA;
  smaller.mtu = 1300;
  auto second = pool.acquire(smaller);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->name, first->name);
  EXPECT_EQ(mtuOf(second->name), 1300);
  EXPECT_EQ(pool.stats().kept_config, 0u);
}

TEST_F(TunPoolTest, AFailedConfigurationIsAnErrorAndTheDeviceIsIdleAndDown) {
  TunPool pool;
  TunConfig bad = kConfigA;
  bad.mtu = 1000000;  // the kernel refuses this MTU
  auto failed = pool.acquire(bad);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("mtu"), std::string::npos) << failed.error().message;
  auto st = pool.stats();
  EXPECT_EQ(st.in_use, 0u);
  EXPECT_EQ(st.idle, 1u);
  EXPECT_FALSE(isUp(poolName(0)));
  EXPECT_EQ(sendTo(kPeerA), ENETUNREACH);
  auto good = pool.acquire(kConfigA);
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->name, poolName(0));
  EXPECT_EQ(pool.stats().kept_config, 0u);  // configured afresh
  EXPECT_EQ(peerOf(good->name), kPeerA);
}

TEST_F(TunPoolTest, DeviceStillAttachedElsewhereIsNotReused) {
  TunPool pool;
  auto first = pool.acquire(kConfigA);
  ASSERT_TRUE(first);
  // A copy of the worker's fd outlives it (say, in flight in a socket).
  UniqueFd leaked(::dup(first->fd.get()));
  first->fd.reset();
  pool.release(first->name);

  auto second = pool.acquire(kConfigA);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_NE(second->name, first->name);
  EXPECT_EQ(pool.stats().created, 2u);
  EXPECT_EQ(pool.stats().reused, 0u);
  EXPECT_FALSE(isUp(first->name));  // set aside, down: A's route is on the new device
  ASSERT_EQ(sendTo(kPeerA), 0);
  EXPECT_EQ(queuedIpv4Destinations(second->fd.get()), std::vector<std::uint32_t>{kPeerA});
}

TEST_F(TunPoolTest, IdleDevicesBeyondTheLimitAreRemoved) {
  TunPool pool(1);
  auto a = pool.acquire(kConfigA);
  auto b = pool.acquire(kConfigB);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  ASSERT_NE(a->name, b->name);
  a->fd.reset();
  b->fd.reset();
  pool.release(a->name);
  pool.release(b->name);
  EXPECT_EQ(pool.stats().idle, 1u);
  // Marked, still there and routed (what reaches it is dropped) until the
  // removal of this turn of main's loop.
  ASSERT_TRUE(exists(b->name));
  EXPECT_EQ(groupOf(b->name), kRemovalGroup);
  EXPECT_EQ(groupOf(a->name), 0u);
  EXPECT_TRUE(isUp(b->name));
  EXPECT_EQ(pool.stats().removed, 0u);
  pool.removePending();
  EXPECT_TRUE(exists(a->name));
  EXPECT_FALSE(exists(b->name));
  EXPECT_EQ(pool.stats().removed, 1u);
  pool.removePending();  // nothing left to do
  EXPECT_EQ(pool.stats().removed, 1u);
}

TEST_F(TunPoolTest, TunnelsEndingTogetherHaveTheirDevicesRemovedTogether) {
  TunPool pool(0);
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < 40; ++i) {
    auto dev = pool.acquire({kGateway, kPeerA + 16 + i, 1400});
    ASSERT_TRUE(dev) << dev.error().message;
    names.push_back(dev->name);
  }
  for (const auto& name : names) pool.release(name);
  for (const auto& name : names) ASSERT_EQ(groupOf(name), kRemovalGroup) << name;
  pool.removePending();
  for (const auto& name : names) EXPECT_FALSE(exists(name)) << name;
  EXPECT_EQ(pool.stats().removed, names.size());
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(pool.stats().idle, 0u);
}

TEST_F(TunPoolTest, AMarkedDeviceGoesBeforeItsAddressIsTakenAgain) {
  TunPool pool(0);
  auto first = pool.acquire(kConfigA);
  ASSERT_TRUE(first);
  first->fd.reset();
  pool.release(first->name);
  ASSERT_TRUE(exists(first->name));  // marked, with A's route
  auto second = pool.acquire(kConfigA);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(exists(first->name));
  EXPECT_EQ(pool.stats().removed, 1u);
  ASSERT_EQ(sendTo(kPeerA), 0);
  EXPECT_EQ(queuedIpv4Destinations(second->fd.get()), std::vector<std::uint32_t>{kPeerA});
}

TEST_F(TunPoolTest, LinkGroupRequestsSayWhatFailed) {
  auto zero = deleteLinkGroup(0);
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("group 0"), std::string::npos) << zero.error().message;
  auto missing = setLinkGroup("bwk999", kRemovalGroup);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("bwk999"), std::string::npos) << missing.error().message;
  auto empty = deleteLinkGroup(kRemovalGroup);  // no device in it
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("No such device"), std::string::npos)
      << empty.error().message;
  EXPECT_TRUE(exists("lo"));
}

TEST_F(TunPoolTest, DestroyedPoolLeavesNoDevice) {
  std::string idle_name;
  std::string marked_name;
  std::string busy_name;
  UniqueFd worker_fd;
  {
    TunPool pool(1);
    auto idle = pool.acquire(kConfigA);
    auto marked = pool.acquire({kGateway, kPeerB + 1, 1400});
    auto busy = pool.acquire(kConfigB);
    ASSERT_TRUE(idle);
    ASSERT_TRUE(marked);
    ASSERT_TRUE(busy);
    idle_name = idle->name;
    marked_name = marked->name;
    busy_name = busy->name;
    idle->fd.reset();
    marked->fd.reset();
    pool.release(idle_name);
    pool.release(marked_name);  // beyond the limit: marked, not yet removed
    ASSERT_TRUE(exists(marked_name));
    worker_fd = std::move(busy->fd);  // a worker still runs when main stops
  }
  EXPECT_FALSE(exists(idle_name));
  EXPECT_FALSE(exists(marked_name));
  EXPECT_FALSE(exists(busy_name));  // removed under the worker's fd
  // ... which is dead now: EBADFD (a live device with nothing queued: EAGAIN).
  ::fcntl(worker_fd.get(), F_SETFL, O_NONBLOCK);
  char packet[2048];
  errno = 0;
  EXPECT_EQ(::read(worker_fd.get(), packet, sizeof(packet)), -1);
  EXPECT_EQ(errno, EBADFD);
}

TEST_F(TunPoolTest, TheDevicesInUseCostMainNoDescriptor) {
  TunPool pool;
  auto count = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator{});
  };
  auto before = count();
  auto a = pool.acquire(kConfigA);
  auto b = pool.acquire(kConfigB);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(count(), before + 2);  // the two workers' fds, nothing of the pool's
  EXPECT_EQ(pool.stats().in_use, 2u);
}

TEST_F(TunPoolTest, NewDevicesHaveNoIpv6AndSkipNamesTaken) {
  auto taken = attachTun(poolName(0));  // someone else's device, attached
  ASSERT_TRUE(taken) << taken.error().message;
  TunPool pool;
  auto dev = pool.acquire(kConfigA);
  ASSERT_TRUE(dev) << dev.error().message;
  EXPECT_EQ(dev->name, poolName(1));
  std::string flag;
  std::ifstream("/proc/sys/net/ipv6/conf/" + dev->name + "/disable_ipv6") >> flag;
  EXPECT_EQ(flag, "1");
  std::ifstream addrs("/proc/net/if_inet6");
  std::string line;
  while (std::getline(addrs, line))
    EXPECT_EQ(line.find(dev->name), std::string::npos) << "IPv6 address on it: " << line;
}

TEST_F(TunPoolTest, LeftoversOfAnEarlierRunAreRemovedOthersKept) {
  for (const char* name : {"bwk7", "bwk9", "other7"}) {
    auto dev = attachTun(name);
    ASSERT_TRUE(dev) << dev.error().message;
    ASSERT_TRUE(setPersistent(dev->fd.get(), true));
  }
  auto attached = attachTun("bwk8");  // a live process's device
  ASSERT_TRUE(attached) << attached.error().message;
  ASSERT_TRUE(exists("bwk7"));
  EXPECT_EQ(TunPool::removeLeftovers(), 2u);
  EXPECT_FALSE(exists("bwk7"));
  EXPECT_FALSE(exists("bwk9"));
  EXPECT_TRUE(exists("bwk8"));
  EXPECT_EQ(groupOf("bwk8"), 0u);
  EXPECT_TRUE(exists("other7"));
}

}  // namespace
}  // namespace bulwark::tun
