#include "release/manifest_build.h"

#include <algorithm>

#include "release/escape.h"

namespace bulwark::release {

Result<Manifest> buildManifest(const ScannedTree& tree, std::string version,
                               std::vector<std::string> covers) {
  if (!tree.problems.empty()) {
    const ScanProblem& p = tree.problems.front();
    return fail(escapeForDisplay(p.path) + ": " + p.message);
  }
  for (const auto& e : tree.entries) {
    if (e.type == EntryType::kOther) {
      return fail(escapeForDisplay(e.path) + ": not a file, directory or symlink");
    }
  }
  Manifest m;
  m.version = std::move(version);
  std::sort(covers.begin(), covers.end());
  m.covers = std::move(covers);
  m.entries = tree.entries;
  std::sort(m.entries.begin(), m.entries.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  if (auto ok = validateManifest(m); !ok) return fail(ok.error());
  return m;
}

}  // namespace bulwark::release
