// TUN devices: one point-to-point interface per tunnel, created by main
// (which has CAP_NET_ADMIN) and handed to the worker as an fd.
//
// The interface has the gateway's tunnel address locally and the client's
// leased address as its peer, so the kernel routes the client's /32 to it.
// The device disappears when the last fd to it is closed.
//
//   auto tun = createTun();   // "bwk%d", IFF_TUN|IFF_NO_PI|IFF_VNET_HDR, checksum + TSO4 offload
//   configureTun(tun->name, gateway, client, mtu); // addresses, MTU, up
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/unique_fd.h"

namespace bulwark::tun {

inline constexpr const char* kTunNamePattern = "bwk%d";

struct TunDevice {
  UniqueFd fd;
  std::string name;
};

Result<TunDevice> createTun();

// Addresses are IPv4 in host byte order.
Result<void> configureTun(const std::string& name, std::uint32_t local, std::uint32_t peer,
                          unsigned mtu);

}  // namespace bulwark::tun
