// IpPool: IPv4 leases for tunnels, keyed by session id.
//
// The first host of the network is the gateway's own tunnel address; clients
// get the second host up to the last host before broadcast. A session keeps
// its address across reconnects until release(), which is what openconnect
// requires (anyconnect.md 3.5). Pure bookkeeping, no I/O.
//
//   IpPool pool(0xC0A86300, 24);          // 192.168.99.0/24
//   auto ip = pool.lease(session_id);     // same session -> same address
//   pool.release(session_id);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace bulwark::pool {

class IpPool {
 public:
  // network in host byte order; prefix 8..30.
  IpPool(std::uint32_t network, unsigned prefix);

  [[nodiscard]] std::uint32_t gateway() const { return network_ + 1; }
  [[nodiscard]] std::size_t capacity() const { return used_.size(); }
  [[nodiscard]] std::size_t inUse() const { return by_session_.size(); }

  Result<std::uint32_t> lease(std::uint64_t session_id);
  [[nodiscard]] std::optional<std::uint32_t> addressOf(std::uint64_t session_id) const;
  void release(std::uint64_t session_id);

 private:
  std::uint32_t network_;
  std::uint32_t first_client_;
  std::vector<bool> used_;  // index = address - first_client_
  std::size_t cursor_ = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> by_session_;
};

std::string formatIpv4(std::uint32_t host_order);

}  // namespace bulwark::pool
