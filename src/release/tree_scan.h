// scanTree: records what is actually installed under the covered directories
// of a root, in the same Entry form a Manifest uses, so compareTree can diff
// the two.
//
// Symlinks are never followed: every entry is examined with
// fstatat(AT_SYMLINK_NOFOLLOW) relative to an fd of its parent directory, and
// every directory (including each component of a cover path) is opened with
// O_NOFOLLOW | O_DIRECTORY, so a symlink planted anywhere cannot redirect the
// scan to another part of the file system. Regular files are opened with
// O_NOFOLLOW, checked to be the same inode that was stat'ed, and hashed by
// streaming with a read cap. Nothing is skipped: there is no exclusion list.
//
// Anything that could not be examined (unreadable file, file changing while
// read, directory too deep) is listed in `problems`, by path.
//
//   Result<ScannedTree> t = scanTree("/", {"etc/bulwark", "usr/sbin"});
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/error.h"
#include "release/manifest.h"

namespace bulwark::release {

// Each level of depth holds one directory fd open while its children are
// scanned; 256 levels stay well inside the default fd limit.
inline constexpr std::size_t kMaxScanDepth = 256;
inline constexpr std::size_t kMaxScanEntries = kMaxEntries;

struct ScanProblem {
  std::string path;  // raw bytes; escape before display
  std::string message;
};

struct ScannedTree {
  std::vector<Entry> entries;  // sorted by path; paths are raw and may be invalid
  std::vector<ScanProblem> problems;
};

// Fails only if the root cannot be opened or the tree holds more than
// kMaxScanEntries entries; per-entry trouble goes into `problems`.
[[nodiscard]] Result<ScannedTree> scanTree(const std::string& root,
                                           const std::vector<std::string>& covers);

}  // namespace bulwark::release
