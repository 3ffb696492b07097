// ReplayWindow: DTLS anti-replay (RFC 6347 4.1.2.6) over the last 64
// sequence numbers. Check a record before its authentication and mark it
// only after, so a forged record cannot move the window.
//
//   if (!w.fresh(seq)) drop;          // a duplicate or older than the window
//   if (!authentic(record)) drop;
//   w.mark(seq);
#pragma once

#include <cstdint>

namespace bulwark::tls {

class ReplayWindow {
 public:
  static constexpr std::uint64_t kSize = 64;

  [[nodiscard]] bool fresh(std::uint64_t seq) const;
  void mark(std::uint64_t seq);

 private:
  bool any_ = false;
  std::uint64_t highest_ = 0;  // the highest sequence number marked
  std::uint64_t seen_ = 0;     // bit i: highest_ - i was marked
};

}  // namespace bulwark::tls
