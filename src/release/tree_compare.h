// compareTree: every way an installed tree differs from its manifest, by path.
//
// Each manifest entry is matched with the scanned entry of the same path.
// Unmatched scanned entries are ADDED, unmatched manifest entries MISSING. A
// matched pair with different types yields one TYPE difference; otherwise
// mode, owner, size, contents (sha256) and symlink target are each compared
// and each mismatch is its own difference. Paths the scan could not examine
// are listed separately as unverifiable: they are not evidence of tampering
// by themselves, but a clean verdict is impossible while any remain.
//
//   Report r = compareTree(manifest, *scanTree(root, manifest.covers));
//   if (r.differences.empty() && r.unverifiable.empty()) { ... clean ... }
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "release/manifest.h"
#include "release/tree_scan.h"

namespace bulwark::release {

enum class DiffKind { kAdded, kMissing, kType, kMode, kOwner, kSize, kContent, kLinkTarget };

struct Difference {
  DiffKind kind;
  std::string path;    // raw bytes; escape before display
  std::string before;  // manifest value ("0644", "0:0", "file", sha256 hex, ...)
  std::string after;   // value found on disk

  bool operator==(const Difference&) const = default;
};

struct Report {
  std::vector<Difference> differences;  // sorted by path, then kind
  std::vector<ScanProblem> unverifiable;
  std::size_t files_total = 0;     // regular files in the manifest
  std::size_t files_verified = 0;  // of those, found with every attribute equal

  [[nodiscard]] bool clean() const { return differences.empty() && unverifiable.empty(); }
};

[[nodiscard]] Report compareTree(const Manifest& manifest, const ScannedTree& scanned);

// "ADDED", "MISSING", "TYPE", "MODE", "OWNER", "SIZE", "CHANGED", "LINK".
[[nodiscard]] std::string_view diffKindName(DiffKind k);

}  // namespace bulwark::release
