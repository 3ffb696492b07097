#include "pool/ip_pool.h"

#include <arpa/inet.h>

namespace bulwark::pool {

IpPool::IpPool(std::uint32_t network, unsigned prefix)
    : network_(network), first_client_(network + 2) {
  std::uint64_t size = 1ULL << (32 - prefix);
  // network, gateway and broadcast are not leased.
  used_.assign(size > 3 ? size - 3 : 0, false);
}

Result<std::uint32_t> IpPool::lease(std::uint64_t session_id, const std::string& user) {
  if (auto it = by_session_.find(session_id); it != by_session_.end()) return it->second;
  if (auto last = last_of_user_.find(user); last != last_of_user_.end()) {
    std::uint32_t addr = last->second;
    if (!used_[addr - first_client_]) {
      take(addr, session_id, user);
      return addr;
    }
  }
  for (std::size_t step = 0; step < used_.size(); ++step) {
    std::size_t i = (cursor_ + step) % used_.size();
    if (used_[i]) continue;
    cursor_ = (i + 1) % used_.size();
    std::uint32_t addr = first_client_ + static_cast<std::uint32_t>(i);
    take(addr, session_id, user);
    return addr;
  }
  return fail("address pool exhausted");
}

void IpPool::take(std::uint32_t addr, std::uint64_t session_id, const std::string& user) {
  used_[addr - first_client_] = true;
  by_session_[session_id] = addr;
  if (auto prev = last_user_of_.find(addr); prev != last_user_of_.end() && prev->second != user)
    last_of_user_.erase(prev->second);  // that user's last address is someone else's now
  if (auto mine = last_of_user_.find(user); mine != last_of_user_.end() && mine->second != addr)
    last_user_of_.erase(mine->second);
  last_of_user_[user] = addr;
  last_user_of_[addr] = user;
}

std::optional<std::uint32_t> IpPool::addressOf(std::uint64_t session_id) const {
  auto it = by_session_.find(session_id);
  if (it == by_session_.end()) return std::nullopt;
  return it->second;
}

void IpPool::release(std::uint64_t session_id) {
  auto it = by_session_.find(session_id);
  if (it == by_session_.end()) return;
  used_[it->second - first_client_] = false;
  by_session_.erase(it);
}

std::string formatIpv4(std::uint32_t host_order) {
  in_addr a{htonl(host_order)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof(buf));
  return buf;
}

}  // namespace bulwark::pool
