// Manifest: the list of every file, directory and symlink a release installs,
// with the attributes the offline verifier compares (type, size, mode, owner,
// SHA-256 of contents, symlink target).
//
// The text format is strict and line oriented; every line ends in '\n', fields
// are separated by one TAB, nothing else is tolerated (no blank lines, no
// comments, no CR, no trailing fields):
//
//   bulwark-manifest 1
//   version<TAB>0.1.0
//   cover<TAB>etc/bulwark                 (one or more, sorted, not nested)
//   cover<TAB>usr/sbin
//   dir<TAB>PATH<TAB>MODE<TAB>UID<TAB>GID
//   file<TAB>PATH<TAB>MODE<TAB>UID<TAB>GID<TAB>SIZE<TAB>SHA256
//   symlink<TAB>PATH<TAB>MODE<TAB>UID<TAB>GID<TAB>TARGET
//
// MODE is exactly four octal digits (permission bits incl. setuid, setgid,
// sticky). Entries are sorted by path (bytewise) with no duplicates; each one
// lies inside a cover, each cover has a `dir` entry of its own, and the parent
// of every other entry is a `dir` entry. Parsing is pure: no I/O.
//
//   Result<Manifest> m = parseManifest(text);
//   if (!m) return fail(m.error());          // "line 7: bad mode '644'"
//   std::string again = serializeManifest(*m);  // == text
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::release {

inline constexpr std::string_view kManifestMagic = "bulwark-manifest 1";
inline constexpr std::size_t kMaxManifestBytes = 64u << 20;  // 64 MiB
inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxLinkTargetBytes = 4096;
inline constexpr std::size_t kMaxCovers = 64;
inline constexpr std::size_t kMaxEntries = 1'000'000;
inline constexpr std::uint64_t kMaxFileSize = 1ull << 40;  // 1 TiB: far above any release file

// kOther (fifo, socket, device) only ever comes from a tree scan: a manifest
// never lists one, so one found in a covered directory is always a difference.
enum class EntryType { kFile, kDir, kSymlink, kOther };

struct Entry {
  std::string path;  // relative, validated by isValidRelativePath
  EntryType type = EntryType::kFile;
  std::uint64_t size = 0;  // files only; 0 otherwise
  mode_t mode = 0;         // st_mode & 07777
  uid_t uid = 0;
  gid_t gid = 0;
  std::string sha256;       // files: 64 lowercase hex digits; empty otherwise
  std::string link_target;  // symlinks only

  bool operator==(const Entry&) const = default;
};

struct Manifest {
  std::string version;              // dotted numeric, e.g. "0.1.0"
  std::vector<std::string> covers;  // sorted
  std::vector<Entry> entries;       // sorted by path

  bool operator==(const Manifest&) const = default;
};

[[nodiscard]] Result<Manifest> parseManifest(std::string_view text);

// Checks every rule parseManifest enforces on an already built Manifest (used
// before writing one produced by a tree scan). The error names the entry.
[[nodiscard]] Result<void> validateManifest(const Manifest& m);

// The caller passes a Manifest that validateManifest accepts; the output then
// parses back to an equal Manifest.
[[nodiscard]] std::string serializeManifest(const Manifest& m);

// A path inside the tree: non-empty, at most kMaxPathBytes, no leading or
// trailing '/', no empty, "." or ".." component, no control byte (NUL, TAB,
// newline, ...).
[[nodiscard]] bool isValidRelativePath(std::string_view path);

[[nodiscard]] std::string_view entryTypeName(EntryType t);

}  // namespace bulwark::release
