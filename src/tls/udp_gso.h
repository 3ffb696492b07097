// UDP generic segmentation offload for the DTLS send path: a run of
// equal-sized datagrams (the last may be shorter) leaves in one sendmsg with
// UDP_SEGMENT, so the kernel walks its UDP/IP path once per run instead of
// once per datagram. Tunnelled TCP arrives at full MSS, so most DTLS records
// of a batch have the same size.
//
//   auto runs = planGsoRuns(ends);   // ends: end offset of each datagram
//   for (auto& r : runs) sendmsg(one iovec [r.begin, r.end), UDP_SEGMENT = r.segment)
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace bulwark::tls {

struct GsoRun {
  std::size_t begin = 0;    // byte offset of the first datagram
  std::size_t end = 0;      // one past the last byte
  std::size_t segment = 0;  // size of each datagram but the last
  std::size_t count = 0;    // datagrams in the run
};

// Linux caps a GSO send at 64 segments and a 64 KiB UDP payload.
inline constexpr std::size_t kGsoMaxSegments = 64;
inline constexpr std::size_t kGsoMaxBytes = 65000;

// Splits consecutive datagrams (given by their end offsets, ascending) into
// runs: every datagram but a run's last has the run's segment size, and the
// last is no larger. Empty datagrams are kept as runs of their own.
std::vector<GsoRun> planGsoRuns(std::span<const std::size_t> ends);

}  // namespace bulwark::tls
