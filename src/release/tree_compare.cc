#include "release/tree_compare.h"

#include <algorithm>

namespace bulwark::release {

namespace {

std::string modeText(mode_t m) {
  std::string s(4, '0');
  for (std::size_t i = 4; i-- > 0; m >>= 3) s[i] = static_cast<char>('0' + (m & 7));
  return s;
}

std::string ownerText(const Entry& e) {
  return std::to_string(e.uid) + ":" + std::to_string(e.gid);
}

std::vector<const Entry*> sortedByPath(const std::vector<Entry>& entries) {
  std::vector<const Entry*> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(&e);
  std::sort(out.begin(), out.end(),
            [](const Entry* a, const Entry* b) { return a->path < b->path; });
  return out;
}

// Appends the differences between two entries of the same path; returns true
// if there were none.
bool compareEntry(const Entry& want, const Entry& got, std::vector<Difference>& out) {
  auto add = [&](DiffKind k, std::string before, std::string after) {
    out.push_back(Difference{k, want.path, std::move(before), std::move(after)});
  };
  std::size_t before = out.size();
  if (want.type != got.type) {
    add(DiffKind::kType, std::string(entryTypeName(want.type)),
        std::string(entryTypeName(got.type)));
    return false;
  }
  if (want.mode != got.mode) add(DiffKind::kMode, modeText(want.mode), modeText(got.mode));
  if (want.uid != got.uid || want.gid != got.gid) {
    add(DiffKind::kOwner, ownerText(want), ownerText(got));
  }
  if (want.type == EntryType::kFile) {
    if (want.size != got.size) {
      add(DiffKind::kSize, std::to_string(want.size), std::to_string(got.size));
    }
    // An empty scanned digest means the file could not be read; the scan
    // lists it as a problem, so it is not also claimed as changed here.
    if (!got.sha256.empty() && want.sha256 != got.sha256) {
      add(DiffKind::kContent, want.sha256, got.sha256);
    }
  }
  if (want.type == EntryType::kSymlink && want.link_target != got.link_target) {
    add(DiffKind::kLinkTarget, want.link_target, got.link_target);
  }
  return out.size() == before;
}

bool hasProblem(const ScannedTree& t, const std::string& path) {
  return std::any_of(t.problems.begin(), t.problems.end(),
                     [&](const ScanProblem& p) { return p.path == path; });
}

}  // namespace

Report compareTree(const Manifest& manifest, const ScannedTree& scanned) {
  Report r;
  r.unverifiable = scanned.problems;
  auto want = sortedByPath(manifest.entries);
  auto got = sortedByPath(scanned.entries);
  std::size_t i = 0, j = 0;
  while (i < want.size() || j < got.size()) {
    if (j == got.size() || (i < want.size() && want[i]->path < got[j]->path)) {
      r.differences.push_back(Difference{DiffKind::kMissing, want[i]->path, {}, {}});
      r.files_total += want[i]->type == EntryType::kFile;
      ++i;
    } else if (i == want.size() || got[j]->path < want[i]->path) {
      r.differences.push_back(Difference{DiffKind::kAdded, got[j]->path, {}, {}});
      ++j;
    } else {
      bool same = compareEntry(*want[i], *got[j], r.differences);
      if (want[i]->type == EntryType::kFile) {
        ++r.files_total;
        r.files_verified += same && !got[j]->sha256.empty() && !hasProblem(scanned, want[i]->path);
      }
      ++i;
      ++j;
    }
  }
  return r;
}

std::string_view diffKindName(DiffKind k) {
  switch (k) {
    case DiffKind::kAdded:
      return "ADDED";
    case DiffKind::kMissing:
      return "MISSING";
    case DiffKind::kType:
      return "TYPE";
    case DiffKind::kMode:
      return "MODE";
    case DiffKind::kOwner:
      return "OWNER";
    case DiffKind::kSize:
      return "SIZE";
    case DiffKind::kContent:
      return "CHANGED";
    case DiffKind::kLinkTarget:
      return "LINK";
  }
  return "?";
}

}  // namespace bulwark::release
