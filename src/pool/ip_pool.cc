#include "pool/ip_pool.h"

#include <arpa/inet.h>

namespace bulwark::pool {

IpPool::IpPool(std::uint32_t network, unsigned prefix)
    : network_(network), first_client_(network + 2) {
  std::uint64_t size = 1ULL << (32 - prefix);
  // network, gateway and broadcast are not leased.
  used_.assign(size > 3 ? size - 3 : 0, false);
}

Result<std::uint32_t> IpPool::lease(std::uint64_t session_id) {
  if (auto it = by_session_.find(session_id); it != by_session_.end()) return it->second;
  for (std::size_t step = 0; step < used_.size(); ++step) {
    std::size_t i = (cursor_ + step) % used_.size();
    if (used_[i]) continue;
    used_[i] = true;
    cursor_ = (i + 1) % used_.size();
    std::uint32_t addr = first_client_ + static_cast<std::uint32_t>(i);
    by_session_[session_id] = addr;
    return addr;
  }
  return fail("address pool exhausted");
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
