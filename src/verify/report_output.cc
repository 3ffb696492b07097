#include "verify/report_output.h"

#include <nlohmann/json.hpp>

#include "release/escape.h"

namespace bulwark::verify {

namespace {

using release::DiffKind;
using release::escapeForDisplay;

std::string_view statusName(Verdict v) {
  switch (v) {
    case Verdict::kClean:
      return "clean";
    case Verdict::kTampered:
      return "tampered";
    case Verdict::kCouldNotVerify:
      break;
  }
  return "could-not-verify";
}

}  // namespace

Verdict verdictOf(const release::Report& r) {
  if (!r.differences.empty()) return Verdict::kTampered;
  if (!r.unverifiable.empty()) return Verdict::kCouldNotVerify;
  return Verdict::kClean;
}

int exitCodeOf(Verdict v) {
  switch (v) {
    case Verdict::kClean:
      return 0;
    case Verdict::kTampered:
      return 1;
    case Verdict::kCouldNotVerify:
      break;
  }
  return 2;
}

std::string formatDifference(const release::Difference& d) {
  std::string line = std::string(release::diffKindName(d.kind)) + " " + escapeForDisplay(d.path);
  switch (d.kind) {
    case DiffKind::kAdded:
    case DiffKind::kMissing:
      return line;
    case DiffKind::kContent:
      return line + " (sha256)";
    case DiffKind::kLinkTarget:
      return line + " '" + escapeForDisplay(d.before) + "' -> '" + escapeForDisplay(d.after) + "'";
    default:
      return line + " " + d.before + " -> " + d.after;
  }
}

std::string formatReportText(const release::Report& r) {
  std::string out;
  for (const auto& d : r.differences) out += formatDifference(d) + "\n";
  for (const auto& p : r.unverifiable) {
    out += "UNREADABLE " + escapeForDisplay(p.path) + " (" + p.message + ")\n";
  }
  switch (verdictOf(r)) {
    case Verdict::kClean:
      out += "verified " + std::to_string(r.files_verified) + " of " +
             std::to_string(r.files_total) + " files\n";
      break;
    case Verdict::kTampered:
      out += "TAMPERED: " + std::to_string(r.differences.size()) + " differences\n";
      break;
    case Verdict::kCouldNotVerify:
      out += "COULD NOT VERIFY: " + std::to_string(r.unverifiable.size()) +
             " entries could not be examined\n";
      break;
  }
  return out;
}

std::string formatReportJson(const release::Report& r) {
  nlohmann::json diffs = nlohmann::json::array();
  for (const auto& d : r.differences) {
    nlohmann::json j{{"kind", release::diffKindName(d.kind)}, {"path", escapeForDisplay(d.path)}};
    if (d.kind != DiffKind::kAdded && d.kind != DiffKind::kMissing) {
      j["expected"] = escapeForDisplay(d.before);
      j["found"] = escapeForDisplay(d.after);
    }
    diffs.push_back(std::move(j));
  }
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.unverifiable) {
    problems.push_back({{"path", escapeForDisplay(p.path)}, {"reason", p.message}});
  }
  nlohmann::json out{
      {"status", statusName(verdictOf(r))}, {"files_total", r.files_total},
      {"files_verified", r.files_verified}, {"difference_count", r.differences.size()},
      {"differences", std::move(diffs)},    {"unverifiable", std::move(problems)}};
  return out.dump(2) + "\n";
}

std::string formatErrorJson(std::string_view message) {
  nlohmann::json out{{"status", "error"}, {"error", escapeForDisplay(message)}};
  return out.dump(2) + "\n";
}

}  // namespace bulwark::verify
