// TunPool: main's TUN devices, kept and reused from one tunnel to the next.
//
// Registering a network device and unregistering it again (sysctl tables,
// IPv4 and IPv6 state, notifier chains) is the costliest kernel work in a
// tunnel's set-up and teardown. The pool makes each device persistent; when a
// tunnel ends it takes the link down and keeps the device for the next one.
//
// Nothing of one tunnel reaches the next:
// - packets: every tunnel gets a fresh attachment, with its own queue. The
//   old queue is freed with the old attachment's last fd, and taking the
//   link down flushed the device's transmit queue;
// - routes: taking the link down removes the route to the old peer, and
//   configureTun sets the new peer before the link comes up;
// - header size and offloads are set again at every attachment;
// - a device still attached somewhere (a dead worker's fd kept alive in a
//   socket buffer, say) refuses the new attachment with EBUSY: the pool
//   drops it and makes a new device.
//
//   auto dev = pool.acquire();  // dev->fd is for the worker; the pool keeps its own
//   configureTun(dev->name, ...);
//   pool.release(dev->name);    // once the worker has exited
//   ~TunPool                    // removes every device it holds, idle or in use
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

class TunPool {
 public:
  static constexpr std::size_t kDefaultMaxIdle = 64;

  explicit TunPool(std::size_t max_idle = kDefaultMaxIdle) : max_idle_(max_idle) {}
  ~TunPool();
  TunPool(const TunPool&) = delete;
  TunPool& operator=(const TunPool&) = delete;

  // An attached device, idle one first (the most recently released), else a
  // new one. Not configured.
  Result<TunDevice> acquire();

  // The tunnel on `name` has ended and its worker is gone: link down, then
  // idle, or removed if max_idle devices are idle already.
  void release(const std::string& name);

  struct Stats {
    std::size_t idle = 0;
    std::size_t in_use = 0;
    std::uint64_t created = 0;
    std::uint64_t reused = 0;
  };
  [[nodiscard]] Stats stats() const;

  // Removes the pool-named TUN devices a previous run left in this network
  // namespace (after a crash, say). Returns how many went.
  static unsigned removeLeftovers();

 private:
  Result<TunDevice> attachIdle();
  Result<TunDevice> createNew();
  Result<TunDevice> keep(TunDevice dev);

  std::size_t max_idle_;
  std::vector<std::string> idle_;
  std::vector<std::string>
      stuck_;  // refused re-attachment or link down; removed at the end if possible
  std::map<std::string, UniqueFd> in_use_;
  std::uint64_t created_ = 0;
  std::uint64_t reused_ = 0;
  std::uint64_t next_name_ = 0;
  bool ipv6_warned_ = false;  // disableIpv6 failed once: said so, not again
};

}  // namespace bulwark::tun
