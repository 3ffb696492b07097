// Link requests over rtnetlink (libmnl): removing a device, and removing many
// at once through a link group.
//
// Removing one device makes the kernel wait for every reader of the old
// state (an RCU grace period) before it returns: 21 ms per device on the
// 2-vCPU test VM, with the caller (main) blocked all that time. Devices put
// in one link group and removed by a single request share that wait: 0.2 ms
// per device for 300 devices there (docs/benchmarks.md).
//
//   setLinkGroup("bwk7", kRemovalGroup);   // marked; still up, still routed
//   setLinkGroup("bwk9", kRemovalGroup);
//   deleteLinkGroup(kRemovalGroup);        // both gone, one wait
//   deleteLink("bwk8");                    // one device, even while attached
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"

namespace bulwark::tun {

// The link group of the devices main has marked for removal ("BWK" and 0).
// Any device an admin puts in this group goes with the next removal.
inline constexpr std::uint32_t kRemovalGroup = 0x42574b00;

// Removes the device now (RTM_DELLINK), even while an fd is attached to it:
// that fd then reads and writes nothing more.
Result<void> deleteLink(const std::string& name);

// Puts the device in link group `group` (0 is every device's default).
Result<void> setLinkGroup(const std::string& name, std::uint32_t group);

// Removes every device of this network namespace in link group `group`, all
// in one request. Group 0 (every device's default) is refused.
Result<void> deleteLinkGroup(std::uint32_t group);

}  // namespace bulwark::tun
