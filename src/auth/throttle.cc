#include "auth/throttle.h"

#include <algorithm>

namespace bulwark::auth {

using std::chrono::seconds;

seconds Throttle::blockedFor(std::string_view key, Clock::time_point now) const {
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || it->second.blocked_until <= now) return seconds(0);
  return std::chrono::ceil<seconds>(it->second.blocked_until - now);
}

seconds Throttle::recordFailure(const std::string& key, Clock::time_point now) {
  if (blockedFor(key, now) > seconds(0)) return seconds(0);
  if (!entries_.contains(key)) makeRoom(now);
  Entry& e = entries_[key];
  ++e.failures;
  e.last_failure = now;
  if (e.failures < policy_.max_failures) return seconds(0);
  unsigned doublings = std::min(e.failures - policy_.max_failures, 30u);
  auto block = std::min<std::int64_t>(policy_.initial.count() << doublings, policy_.max.count());
  e.blocked_until = now + seconds(block);
  return seconds(block);
}

std::vector<Throttle::Ban> Throttle::bans(Clock::time_point now) const {
  std::vector<Ban> out;
  for (const auto& [key, e] : entries_)
    if (e.blocked_until > now)
      out.push_back({key, e.failures, std::chrono::ceil<seconds>(e.blocked_until - now)});
  std::sort(out.begin(), out.end(), [](const Ban& a, const Ban& b) { return a.key < b.key; });
  return out;
}

void Throttle::prune(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& kv) {
    const Entry& e = kv.second;
    return std::max(e.blocked_until, e.last_failure) + policy_.forget <= now;
  });
}

void Throttle::makeRoom(Clock::time_point now) {
  if (entries_.size() < policy_.max_entries) return;
  prune(now);
  if (entries_.size() < policy_.max_entries) return;
  auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.last_failure < b.second.last_failure;
  });
  if (oldest != entries_.end()) entries_.erase(oldest);
}

}  // namespace bulwark::auth
