#include "tun/tun_pool.h"

#include <net/if.h>

#include <algorithm>
#include <iterator>

#include "common/log.h"
#include "tun/link_netlink.h"

namespace bulwark::tun {
namespace {

// Attach, clear the persistent flag, close: the kernel removes the device.
Result<void> removeDevice(const std::string& name) {
  auto dev = attachTun(name);
  if (!dev) return fail(dev.error());
  return setPersistent(dev->fd.get(), false);
}

// Removes the `marked` devices (in kRemovalGroup) in one request, one by one
// if that fails, and the `unmarked` ones one by one. Returns how many went.
std::size_t removeAll(const std::vector<std::string>& marked,
                      const std::vector<std::string>& unmarked) {
  std::size_t removed = 0;
  if (!marked.empty()) {
    if (auto r = deleteLinkGroup(kRemovalGroup); r) {
      removed += marked.size();
    } else {
      spdlog::warn("tun pool: {}; removing {} devices one by one", r.error().message,
                   marked.size());
      for (const auto& name : marked)
        if (::if_nametoindex(name.c_str()) != 0 && deleteLink(name)) ++removed;
    }
  }
  for (const auto& name : unmarked) {
    if (auto r = deleteLink(name); r)
      ++removed;
    else
      spdlog::warn("tun pool: {}", r.error().message);
  }
  return removed;
}

// Marks `name` for the next group removal; false (and said why) if it cannot.
bool mark(const std::string& name) {
  if (auto r = setLinkGroup(name, kRemovalGroup); !r) {
    spdlog::warn("tun pool: {}", r.error().message);
    return false;
  }
  return true;
}

}  // namespace

TunPool::~TunPool() {
  // Everything, idle, set aside or still attached to a worker (main is
  // stopping; the worker's fd is dead once its device is gone).
  std::vector<std::string> marked, unmarked;
  auto add = [&](const std::string& name) { (mark(name) ? marked : unmarked).push_back(name); };
  for (const auto& p : pending_) marked.push_back(p.name);
  for (const auto& idle : idle_) add(idle.name);
  for (const auto& name : stuck_) add(name);
  for (const auto& [name, use] : in_use_) add(name);
  removeAll(marked, unmarked);
}

Result<TunDevice> TunPool::acquire(const TunConfig& cfg) {
  // The address's marked device still has its route: it goes first.
  if (std::any_of(pending_.begin(), pending_.end(),
                  [&](const Idle& p) { return p.cfg.peer == cfg.peer; }))
    removePending();
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
  markForRemoval(name, cfg);
}

void TunPool::markForRemoval(const std::string& name, const TunConfig& cfg) {
  if (mark(name)) {
    pending_.push_back(Idle{name, cfg});
    return;
  }
  if (auto r = removeDevice(name); r) {
    ++removed_;
    return;
  }
  spdlog::warn("tun pool: cannot remove {}; set aside", name);
  setAside(name);
}

void TunPool::removePending() {
  if (pending_.empty()) return;
  std::vector<std::string> names;
  names.reserve(pending_.size());
  for (const auto& p : pending_) names.push_back(p.name);
  pending_.clear();
  removed_ += removeAll(names, {});
}

TunPool::Stats TunPool::stats() const {
  return Stats{idle_.size(), in_use_.size(), created_, reused_, kept_config_, removed_};
}

unsigned TunPool::removeLeftovers() {
  struct if_nameindex* names = ::if_nameindex();
  if (names == nullptr) return 0;
  // Only those no one is attached to: a device in use belongs to a live
  // process (another gateway in this namespace, say) and stays.
  std::vector<std::string> marked;
  unsigned removed = 0;
  for (struct if_nameindex* n = names; n->if_index != 0 && n->if_name != nullptr; ++n) {
    if (!isPoolName(n->if_name)) continue;
    auto dev = attachTun(n->if_name);
    if (!dev) {
      spdlog::warn("tun pool: leftover {}: {}", n->if_name, dev.error().message);
      continue;
    }
    if (mark(dev->name))
      marked.push_back(dev->name);
    else if (auto r = setPersistent(dev->fd.get(), false); r)
      ++removed;  // when `dev` closes
    else
      spdlog::warn("tun pool: leftover {}: {}", n->if_name, r.error().message);
  }
  ::if_freenameindex(names);
  return removed + static_cast<unsigned>(removeAll(marked, {}));
}

}  // namespace bulwark::tun
