// Throttle: exponential back-off after repeated login failures, per key. authd
// keeps one entry per account ("user:NAME", also for names that do not
// exist, so the back-off does not reveal which accounts are real) and one
// per client address ("addr:IP").
//
// After `max_failures` failures a key is blocked for `initial`; every further
// failure doubles the block, up to `max`. While blocked, attempts are refused
// without being checked and without extending the block. A success clears
// the key; a key quiet for `forget` after its block ends is forgotten. The
// table is capped: when full, the entry idle longest is dropped first. The
// clock is injected so the policy is testable.
//
//   Throttle t(ThrottlePolicy{.max_failures = 5});
//   if (t.blockedFor("user:alice", now) > 0s) refuse();
//   if (t.recordFailure("user:alice", now)) audit("lockout");
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bulwark::auth {

struct ThrottlePolicy {
  unsigned max_failures = 5;
  std::chrono::seconds initial{30};
  std::chrono::seconds max{900};
  std::chrono::seconds forget{900};
  std::size_t max_entries = 100000;
};

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Ban {
    std::string key;
    unsigned failures = 0;
    std::chrono::seconds remaining{0};
  };

  explicit Throttle(ThrottlePolicy policy) : policy_(policy) {}
  // A config reload: back-offs already running keep their end time.
  void setPolicy(ThrottlePolicy policy) { policy_ = policy; }
  [[nodiscard]] std::chrono::seconds blockedFor(std::string_view key, Clock::time_point now) const;
  // Counts a failure; returns the new block length if this failure started or
  // lengthened a block, zero otherwise.
  std::chrono::seconds recordFailure(const std::string& key, Clock::time_point now);
  void recordSuccess(const std::string& key) { entries_.erase(key); }
  bool clear(const std::string& key) { return entries_.erase(key) > 0; }
  [[nodiscard]] std::vector<Ban> bans(Clock::time_point now) const;
  void prune(Clock::time_point now);
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    unsigned failures = 0;
    Clock::time_point last_failure;
    Clock::time_point blocked_until;
  };
  void makeRoom(Clock::time_point now);
  ThrottlePolicy policy_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace bulwark::auth
