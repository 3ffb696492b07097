// TUN devices: one point-to-point interface per tunnel, created by main
// (which has CAP_NET_ADMIN) and handed to the worker as an fd.
//
// The interface has the gateway's tunnel address locally and the client's
// leased address as its peer, so the kernel routes the client's /32 to it.
// Devices are persistent and reused from one tunnel to the next (tun_pool.h).
//
//   auto tun = attachTun(poolName(7));    // makes "bwk7", or attaches to it
//   setPersistent(tun->fd.get(), true);   // outlives its fds
//   disableIpv6(tun->name);               // the tunnel carries IPv4 only
//   configureTun(tun->name, gateway, client, mtu); // addresses, MTU, up
//   setLinkDown(tun->name);               // routes to the peer go
// (Removing devices: tun/link_netlink.h.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/unique_fd.h"

namespace bulwark::tun {

// "bwk" and a number. Bulwark picks the number itself: letting the kernel
// fill in a "bwk%d" pattern scans every device of the namespace, which at
// 10,000 tunnels was the largest part of a device's set-up.
inline constexpr std::string_view kPoolPrefix = "bwk";
std::string poolName(std::uint64_t n);

struct TunDevice {
  UniqueFd fd;
  std::string name;
};

// Opens a new attachment (an empty packet queue) to the TUN device `name`,
// creating it if there is none. Sets IFF_TUN|IFF_NO_PI|IFF_VNET_HDR and
// offers checksum + TSO4 offload. Fails with EBUSY's text if another fd is
// still attached, with EINVAL's if `name` is another kind of device.
Result<TunDevice> attachTun(const std::string& name);

// A persistent device stays when its last fd closes; clearing the flag on an
// attached fd makes that close remove it.
Result<void> setPersistent(int tun_fd, bool persistent);

// Clears IFF_UP: the kernel drops the routes through the device and flushes
// its queue.
Result<void> setLinkDown(const std::string& name);

// No IPv6 on the device: no link-local address, no router solicitations or
// MLD reports sent into the tunnel, IPv6 from the client dropped, and no
// walk of the IPv6 routing table (which grows with every device) when the
// device's MTU or state changes. A kernel without IPv6 is fine too.
Result<void> disableIpv6(const std::string& name);

// True if `name` is one poolName makes ("bwk" and digits).
bool isPoolName(std::string_view name);

// Addresses are IPv4 in host byte order.
Result<void> configureTun(const std::string& name, std::uint32_t local, std::uint32_t peer,
                          unsigned mtu);

}  // namespace bulwark::tun
