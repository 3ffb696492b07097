#include "tun/tun_pool.h"

#include <net/if.h>

#include <algorithm>
#include <iterator>

#include "common/log.h"

namespace bulwark::tun {
namespace {

// Attach, clear the persistent flag, close: the kernel removes the device.
Result<void> removeDevice(const std::string& name) {
  auto dev = attachTun(name);
  if (!dev) return fail(dev.error());
  return setPersistent(dev->fd.get(), false);
}

}  // namespace

TunPool::~TunPool() {
  for (const auto& idle : idle_)
    if (auto r = removeDevice(idle.name); !r) spdlog::warn("tun pool: {}", r.error().message);
  for (const auto& name : stuck_) (void)removeDevice(name);
  // Still attached to a worker (main is stopping): removed all the same.
  for (const auto& [name, use] : in_use_)
    if (auto r = deleteLink(name); !r) spdlog::warn("tun pool: {}", r.error().message);
}

Result<TunDevice> TunPool::acquire(const TunConfig& cfg) {
  if (auto dev = attachIdle(cfg)) return dev;
  auto dev = createNew();
  if (!dev) return dev;
  return configure(std::move(*dev), cfg);
}

Result<TunDevice> TunPool::createNew() {
  // Skips names in use by anything else (an admin's device, one that
  // refused re-attachment); gives up after a few in a row.
  constexpr int kTries = 32;
  for (int i = 0; i < kTries; ++i) {
    std::string name = poolName(next_name_++);
    if (::if_nametoindex(name.c_str()) != 0) continue;
    auto dev = attachTun(name);
    if (!dev) return fail(dev.error());
    // Only an optimisation and a hardening: with a read-only /proc/sys (a
    // container, say) the tunnel still works, with IPv6 state on the device.
    if (auto r = disableIpv6(dev->name); !r && !ipv6_warned_) {
      spdlog::warn("tun pool: cannot disable IPv6 on new devices ({}); continuing",
                   r.error().message);
      ipv6_warned_ = true;
    }
    ++created_;
    return std::move(*dev);
  }
  return fail("no free TUN device name after " + std::to_string(kTries) + " tries");
}

Result<TunDevice> TunPool::attachIdle(const TunConfig& cfg) {
  // The address's last device (at most one has its route) comes first; as it
  // is if nothing else changed (the MTU, by a reload).
  auto same_peer = std::find_if(idle_.begin(), idle_.end(),
                                [&](const Idle& i) { return i.cfg.peer == cfg.peer; });
  if (same_peer != idle_.end()) std::rotate(same_peer, same_peer + 1, idle_.end());
  while (!idle_.empty()) {
    Idle idle = std::move(idle_.back());
    idle_.pop_back();
    auto dev = attachTun(idle.name);
    if (!dev) {
      spdlog::warn("tun pool: cannot reuse {} ({}); making a new device", idle.name,
                   dev.error().message);
      setAside(idle.name);
      continue;
    }
    if (idle.cfg == cfg) {
      // The carrier came back with the attach; the kernel's link watcher
      // re-enables the device's queue a moment later (asynchronously), so a
      // packet sent to the client in the first instant may be dropped, as on
      // any link that just came up. Nothing is lost that TCP would not resend.
      ++reused_;
      ++kept_config_;
      return keep(std::move(*dev), cfg);
    }
    // Down first: the route to its old peer goes before the new one is set.
    if (auto down = setLinkDown(idle.name); !down) {
      spdlog::warn("tun pool: {}; not reused", down.error().message);
      stuck_.push_back(idle.name);
      continue;
    }
    ++reused_;
    return configure(std::move(*dev), cfg);
  }
  return fail("no idle device");
}

Result<TunDevice> TunPool::configure(TunDevice dev, const TunConfig& cfg) {
  auto kept = keep(std::move(dev), TunConfig{});
  if (!kept) return kept;
  if (auto r = configureTun(kept->name, cfg.local, cfg.peer, cfg.mtu); !r) {
    // Down, then released like any other (it is in use with nothing
    // configured that counts); the caller's fd goes with the error.
    std::string name = kept->name;
    if (auto down = setLinkDown(name); !down) {
      spdlog::warn("tun pool: {}; not reused", down.error().message);
      in_use_.erase(name);
      stuck_.push_back(name);
    } else {
      release(name);
    }
    return fail(r.error());
  }
  in_use_[kept->name].cfg = cfg;
  return kept;
}

Result<TunDevice> TunPool::keep(TunDevice dev, const TunConfig& cfg) {
  // Also for a reused name: an admin may have deleted the device, and
  // attaching then made a new one that is not persistent yet.
  if (auto r = setPersistent(dev.fd.get(), true); !r) return fail(r.error());
  in_use_[dev.name] = InUse{cfg};
  return dev;
}

void TunPool::setAside(const std::string& name) {
  // Its route must not compete with the address's next device.
  if (auto down = setLinkDown(name); !down) spdlog::warn("tun pool: {}", down.error().message);
  stuck_.push_back(name);
}

void TunPool::release(const std::string& name) {
  auto it = in_use_.find(name);
  if (it == in_use_.end()) {
    spdlog::warn("tun pool: release of {}, which is not in use", name);
    return;
  }
  TunConfig cfg = it->second.cfg;
  in_use_.erase(it);
  if (idle_.size() < max_idle_) {
    idle_.push_back(Idle{name, cfg});
    return;
  }
  if (auto r = removeDevice(name); !r) {
    spdlog::warn("tun pool: {}", r.error().message);
    setAside(name);
  }
}

TunPool::Stats TunPool::stats() const {
  return Stats{idle_.size(), in_use_.size(), created_, reused_, kept_config_};
}

unsigned TunPool::removeLeftovers() {
  struct if_nameindex* names = ::if_nameindex();
  if (names == nullptr) return 0;
  unsigned removed = 0;
  for (struct if_nameindex* n = names; n->if_index != 0 && n->if_name != nullptr; ++n) {
    if (!isPoolName(n->if_name)) continue;
    if (auto r = removeDevice(n->if_name); r)
      ++removed;
    else
      spdlog::warn("tun pool: leftover {}: {}", n->if_name, r.error().message);
  }
  ::if_freenameindex(names);
  return removed;
}

}  // namespace bulwark::tun
