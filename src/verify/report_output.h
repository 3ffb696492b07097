// How bulwark-verify presents its verdict: one line per difference (paths
// escaped, see release/escape.h) and a summary line, or one JSON object.
//
//   Verdict v = verdictOf(report);
//   std::cout << formatReportText(report);   // or formatReportJson(report)
//   return exitCodeOf(v);
#pragma once

#include <string>
#include <string_view>

#include "release/tree_compare.h"

namespace bulwark::verify {

enum class Verdict { kClean, kTampered, kCouldNotVerify };

// Differences win over unreadable entries: a found difference is evidence.
[[nodiscard]] Verdict verdictOf(const release::Report& r);
[[nodiscard]] int exitCodeOf(Verdict v);  // 0, 1, 2

[[nodiscard]] std::string formatDifference(const release::Difference& d);
[[nodiscard]] std::string formatReportText(const release::Report& r);
[[nodiscard]] std::string formatReportJson(const release::Report& r);
// For failures before any comparison (bad signature, bad arguments).
[[nodiscard]] std::string formatErrorJson(std::string_view message);

}  // namespace bulwark::verify
