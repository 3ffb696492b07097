// BanList: main's copy of authd's login back-offs, for `bulwarkctl bans`.
// authd reports each back-off as it starts (BanUpdate); main forgets entries
// whose time is up. Keys are "user:NAME" or "addr:IP" as authd made them.
//
//   bans.update("user:alice", 5, 30s, now);
//   nlohmann::json list = bans.toJson(now);
//   bans.remove("user:alice");   // after sending ClearBan to authd
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace bulwark::mainproc {

class BanList {
 public:
  using Clock = std::chrono::steady_clock;
  void update(const std::string& key, unsigned failures, std::chrono::seconds remaining,
              Clock::time_point now);
  // Returns how many entries went ("*" removes all).
  unsigned remove(const std::string& key);
  [[nodiscard]] nlohmann::json toJson(Clock::time_point now) const;

 private:
  struct Entry {
    unsigned failures = 0;
    Clock::time_point until;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace bulwark::mainproc
