// IpPool: IPv4 leases for tunnels, keyed by session id.
//
// The first host of the network is the gateway's own tunnel address; clients
// get the second host up to the last host before broadcast. A session keeps
// its address across reconnects until release(), which is what openconnect
// requires (anyconnect.md 3.5). A user's new session gets the address of
// their last one if it is still free (firewall rules and logs keyed by
// address keep working, and the TUN device kept for it is ready); other
// addresses go round the pool, so a released one is the last to go to
// someone else. Pure bookkeeping, no I/O.
//
//   IpPool pool(0xC0A86300, 24);             // 192.168.99.0/24
//   auto ip = pool.lease(session_id, "alice");  // same session -> same address
//   pool.release(session_id);
//   pool.lease(other_session, "alice");      // alice's last address, if free
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

  Result<std::uint32_t> lease(std::uint64_t session_id, const std::string& user);
  [[nodiscard]] std::optional<std::uint32_t> addressOf(std::uint64_t session_id) const;
  void release(std::uint64_t session_id);

 private:
  std::uint32_t network_;
  std::uint32_t first_client_;
  std::vector<bool> used_;  // index = address - first_client_
  std::size_t cursor_ = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> by_session_;
  // The last user of each address and the other way round: at most one
  // entry per address, so bounded by the pool's size.
  std::unordered_map<std::string, std::uint32_t> last_of_user_;
  std::unordered_map<std::uint32_t, std::string> last_user_of_;
  void take(std::uint32_t addr, std::uint64_t session_id, const std::string& user);
};

std::string formatIpv4(std::uint32_t host_order);

}  // namespace bulwark::pool
