#include "tls/replay_window.h"

namespace bulwark::tls {

bool ReplayWindow::fresh(std::uint64_t seq) const {
  if (!any_ || seq > highest_) return true;
  std::uint64_t age = highest_ - seq;
  return age < kSize && (seen_ & (std::uint64_t{1} << age)) == 0;
}

void ReplayWindow::mark(std::uint64_t seq) {
  if (!any_) {
    any_ = true;
    highest_ = seq;
    seen_ = 1;
    return;
  }
  if (seq > highest_) {
    std::uint64_t shift = seq - highest_;
    seen_ = shift < kSize ? (seen_ << shift) | 1 : 1;
    highest_ = seq;
    return;
  }
  std::uint64_t age = highest_ - seq;
  if (age < kSize) seen_ |= std::uint64_t{1} << age;
}

}  // namespace bulwark::tls
