// TunPool: main's TUN devices, kept and reused from one tunnel to the next.
//
// Registering a network device and unregistering it again (sysctl tables,
// IPv4 and IPv6 state, notifier chains) is the costliest kernel work in a
// tunnel's set-up and teardown. The pool makes each device persistent and
// keeps it, configured and up, when its tunnel ends. The next tunnel to the
// same client address (the same user again, ip_pool.h) takes it as it is: no
// address, MTU or link change at all. A tunnel to another address takes an
// idle device down and configures it afresh.
//
// Nothing of one tunnel reaches the next:
// - packets: every tunnel gets a fresh attachment, with its own queue. The
//   old queue is freed with the old attachment's last fd; while no fd is
//   attached the device drops what is routed to it;
// - routes: an idle device keeps the route to its peer, so traffic to that
//   address is dropped rather than sent towards the default route. Each
//   address is on one device at most: the pool hands an address's idle
//   device to the next tunnel to it, and takes down an idle device it
//   cannot reuse or remove;
// - header size and offloads are set again at every attachment;
// - a device still attached somewhere (a dead worker's fd kept alive in a
//   socket buffer, say) refuses the new attachment with EBUSY: the pool
//   takes it down, drops it and makes a new device.
//
// Devices beyond the idle limit are removed, and removing a device costs the
// kernel an RCU grace period during which main is blocked (21 ms on the test
// VM; 19,000 tunnels ending at once kept main busy for minutes). So release()
// only marks such a device (link group kRemovalGroup, tun/link_netlink.h; it
// stays up and routed, dropping what reaches it, like an idle one), and
// removePending() removes every marked device in one request, sharing one
// grace period. main calls it once per turn of its event loop.
//
//   auto dev = pool.acquire({gateway, client, mtu});  // configured and up; dev->fd for the worker
//   pool.release(dev->name);    // once the worker has exited
//   pool.removePending();       // after each event-loop turn
//   ~TunPool                    // removes every device it holds, idle or in use, in one request
//                               // (one in use goes at once; its worker's fd is dead then)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/unique_fd.h"
#include "tun/tun_device.h"

namespace bulwark::tun {

// What configureTun sets; addresses are IPv4 in host byte order.
struct TunConfig {
  std::uint32_t local = 0;
  std::uint32_t peer = 0;
  unsigned mtu = 0;
  bool operator==(const TunConfig&) const = default;
};

class TunPool {
 public:
  static constexpr std::size_t kDefaultMaxIdle = 64;

  explicit TunPool(std::size_t max_idle = kDefaultMaxIdle) : max_idle_(max_idle) {}
  ~TunPool();
  TunPool(const TunPool&) = delete;
  TunPool& operator=(const TunPool&) = delete;

  // An attached device configured as `cfg` and up: the idle one that has
  // `cfg` already, else another idle one (the most recently released), else
  // a new one.
  Result<TunDevice> acquire(const TunConfig& cfg);

  // The tunnel on `name` has ended and its worker is gone: the device stays
  // configured and up, idle, or is marked for removePending() if max_idle
  // devices are idle.
  void release(const std::string& name);

  // Removes the devices release() marked, all in one request (one by one if
  // the kernel refuses that). A device marked for an address that acquire()
  // is asked for goes first, so an address is never on two devices.
  void removePending();

  struct Stats {
    std::size_t idle = 0;
    std::size_t in_use = 0;
    std::uint64_t created = 0;
    std::uint64_t reused = 0;       // idle devices taken again
    std::uint64_t kept_config = 0;  // of those, taken as they were (same address)
    std::uint64_t removed = 0;      // devices removed beyond the idle limit
  };
  [[nodiscard]] Stats stats() const;

  // Removes the pool-named TUN devices a previous run left in this network
  // namespace (after a crash, say). Returns how many went.
  static unsigned removeLeftovers();

 private:
  struct Idle {
    std::string name;
    TunConfig cfg;  // what it is configured as, all zero if nothing
  };
  struct InUse {
    TunConfig cfg;  // no fd: main would need two per tunnel (ulimit -n)
  };
  Result<TunDevice> attachIdle(const TunConfig& cfg);
  void markForRemoval(const std::string& name, const TunConfig& cfg);
  Result<TunDevice> createNew();
  Result<TunDevice> keep(TunDevice dev, const TunConfig& cfg);
  Result<TunDevice> configure(TunDevice dev, const TunConfig& cfg);
  void setAside(const std::string& name);

  std::size_t max_idle_;
  std::vector<Idle> idle_;     // the most recently released last
  std::vector<Idle> pending_;  // marked for removal (kRemovalGroup), still up
  std::vector<std::string>
      stuck_;  // refused re-attachment or link down; removed at the end if possible
  std::map<std::string, InUse> in_use_;
  std::uint64_t created_ = 0;
  std::uint64_t reused_ = 0;
  std::uint64_t kept_config_ = 0;
  std::uint64_t removed_ = 0;
  std::uint64_t next_name_ = 0;
  bool ipv6_warned_ = false;  // disableIpv6 failed once: said so, not again
};

}  // namespace bulwark::tun
