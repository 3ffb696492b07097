#include "tls/udp_gso.h"

namespace bulwark::tls {

std::vector<GsoRun> planGsoRuns(std::span<const std::size_t> ends) {
  std::vector<GsoRun> runs;
  std::size_t start = 0;
  for (std::size_t end : ends) {
    std::size_t size = end - start;
    bool joins = false;
    if (!runs.empty()) {
      GsoRun& r = runs.back();
      bool open = r.segment > 0 && r.end - r.begin == r.segment * r.count;  // no short tail yet
      joins = open && size > 0 && size <= r.segment && r.count < kGsoMaxSegments &&
              r.end - r.begin + size <= kGsoMaxBytes;
    }
    if (joins) {
      runs.back().end = end;
      ++runs.back().count;
    } else {
      runs.push_back(GsoRun{start, end, size, 1});
    }
    start = end;
  }
  return runs;
}

}  // namespace bulwark::tls
