#include "main/ban_list.h"

namespace bulwark::mainproc {

void BanList::update(const std::string& key, unsigned failures, std::chrono::seconds remaining,
                     Clock::time_point now) {
  if (remaining.count() == 0) {
    entries_.erase(key);
    return;
  }
  entries_[key] = Entry{failures, now + remaining};
}

unsigned BanList::remove(const std::string& key) {
  if (key != "*") return static_cast<unsigned>(entries_.erase(key));
  auto n = static_cast<unsigned>(entries_.size());
  entries_.clear();
  return n;
}

nlohmann::json BanList::toJson(Clock::time_point now) const {
  auto list = nlohmann::json::array();
  for (const auto& [key, e] : entries_) {
    if (e.until <= now) continue;
    auto colon = key.find(':');
    list.push_back({{"kind", key.substr(0, colon)},
                    {"name", colon == std::string::npos ? "" : key.substr(colon + 1)},
                    {"failures", e.failures},
                    {"remaining_s", std::chrono::ceil<std::chrono::seconds>(e.until - now).count()}});
  }
  return list;
}

}  // namespace bulwark::mainproc
