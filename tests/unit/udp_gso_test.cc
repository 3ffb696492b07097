#include "tls/udp_gso.h"

#include <gtest/gtest.h>

#include <vector>

namespace bulwark::tls {
namespace {

std::vector<std::size_t> endsOf(const std::vector<std::size_t>& sizes) {
  std::vector<std::size_t> ends;
  std::size_t at = 0;
  for (auto s : sizes) ends.push_back(at += s);
  return ends;
}

TEST(UdpGso, EqualDatagramsFormOneRun) {
  auto runs = planGsoRuns(endsOf({1400, 1400, 1400}));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].begin, 0u);
  EXPECT_EQ(runs[0].end, 4200u);
  EXPECT_EQ(runs[0].segment, 1400u);
  EXPECT_EQ(runs[0].count, 3u);
}

TEST(UdpGso, AShorterDatagramEndsTheRun) {
  auto runs = planGsoRuns(endsOf({1400, 1400, 60, 1400}));
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].count, 3u);
  EXPECT_EQ(runs[0].end, 2860u);
  EXPECT_EQ(runs[1].begin, 2860u);
  EXPECT_EQ(runs[1].segment, 1400u);
  EXPECT_EQ(runs[1].count, 1u);
}

TEST(UdpGso, ALargerDatagramStartsANewRun) {
  auto runs = planGsoRuns(endsOf({60, 1400, 1400}));
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].count, 1u);
  EXPECT_EQ(runs[0].segment, 60u);
  EXPECT_EQ(runs[1].count, 2u);
  EXPECT_EQ(runs[1].segment, 1400u);
}

TEST(UdpGso, EveryDatagramIsCoveredOnceAndInOrder) {
  std::vector<std::size_t> sizes{100, 100, 100, 50, 50, 200, 10, 10, 10, 10, 0, 7};
  auto ends = endsOf(sizes);
  auto runs = planGsoRuns(ends);
  std::size_t at = 0, datagrams = 0;
  for (const auto& r : runs) {
    EXPECT_EQ(r.begin, at);
    EXPECT_LE(r.end - r.begin, r.segment * r.count);
    if (r.count > 1) {
      EXPECT_GT(r.end - r.begin, r.segment * (r.count - 1));  // a non-empty tail
    }
    at = r.end;
    datagrams += r.count;
  }
  EXPECT_EQ(at, ends.back());
  EXPECT_EQ(datagrams, sizes.size());
}

TEST(UdpGso, RespectsTheKernelLimits) {
  std::vector<std::size_t> small(150, 100);
  auto runs = planGsoRuns(endsOf(small));
  for (const auto& r : runs) EXPECT_LE(r.count, kGsoMaxSegments);
  ASSERT_EQ(runs.size(), 3u);

  std::vector<std::size_t> big(60, 1400);
  for (const auto& r : planGsoRuns(endsOf(big))) EXPECT_LE(r.end - r.begin, kGsoMaxBytes);
}

TEST(UdpGso, EmptyDatagramsStandAlone) {
  auto runs = planGsoRuns(endsOf({0, 0, 5}));
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].count, 1u);
  EXPECT_EQ(runs[1].count, 1u);
}

}  // namespace
}  // namespace bulwark::tls
