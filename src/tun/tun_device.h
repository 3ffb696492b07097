// TUN devices: one point-to-point interface per tunnel, created by main
// (which has CAP_NET_ADMIN) and handed to the worker as an fd.
//
// The interface has the gateway's tunnel address locally and the client's
// leased address as its peer, so the kernel routes the client's /32 to it.
// Devices are persistent and reused from one tunnel to the next (tun_pool.h).
//
//   auto tun = attachTun(kTunNamePattern); // new "bwkN", or an existing name
//   setPersistent(tun->fd.get(), true);   // outlives its fds
//   configureTun(tun->name, gateway, client, mtu); // addresses, MTU, up
//   setLinkDown(tun->name);               // routes to the peer go
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/unique_fd.h"

namespace bulwark::tun {

inline constexpr const char* kTunNamePattern = "bwk%d";

struct TunDevice {
  UniqueFd fd;
  std::string name;
};

// Opens a new attachment (an empty packet queue) to the device `name`, or
// creates a device if `name` is a pattern such as kTunNamePattern. Sets
// IFF_TUN|IFF_NO_PI|IFF_VNET_HDR and offers checksum + TSO4 offload.
// Fails with EBUSY's text if another fd is still attached.
Result<TunDevice> attachTun(const std::string& name);

// A persistent device stays when its last fd closes; clearing the flag on an
// attached fd makes that close remove it.
Result<void> setPersistent(int tun_fd, bool persistent);

// Clears IFF_UP: the kernel drops the routes through the device and flushes
// its queue.
Result<void> setLinkDown(const std::string& name);

// True if `name` is one kTunNamePattern makes ("bwk" and digits).
bool isPoolName(std::string_view name);

// Addresses are IPv4 in host byte order.
Result<void> configureTun(const std::string& name, std::uint32_t local, std::uint32_t peer,
                          unsigned mtu);

}  // namespace bulwark::tun
