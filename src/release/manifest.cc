#include "release/manifest.h"

#include <unordered_set>

#include "release/escape.h"
#include "release/version.h"

namespace bulwark::release {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isControl(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return c < 0x20 || c == 0x7f;
}

std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    std::size_t tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) return fields;
    line.remove_prefix(tab + 1);
  }
}

// Canonical unsigned decimal: digits only, no sign, no leading zero.
Result<std::uint64_t> parseDecimal(std::string_view s, std::uint64_t max, std::string_view what) {
  if (s.empty() || s.size() > 20) return fail("bad " + std::string(what));
  if (s.size() > 1 && s[0] == '0') return fail(std::string(what) + " has a leading zero");
  std::uint64_t v = 0;
  for (char c : s) {
    if (!isDigit(c)) return fail("bad " + std::string(what));
    auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return fail(std::string(what) + " out of range");
    v = v * 10 + d;
  }
  return v;
}

// Exactly four octal digits, so a mode reads the same way `stat -c %a` would
// print it with setuid/setgid/sticky always visible.
Result<mode_t> parseMode(std::string_view s) {
  if (s.size() != 4) return fail("mode must be four octal digits");
  mode_t m = 0;
  for (char c : s) {
    if (c < '0' || c > '7') return fail("mode must be four octal digits");
    m = (m << 3) | static_cast<mode_t>(c - '0');
  }
  return m;
}

bool isSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!isDigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

bool isValidLinkTarget(std::string_view t) {
  if (t.empty() || t.size() > kMaxLinkTargetBytes) return false;
  for (char c : t) {
    if (isControl(c)) return false;
  }
  return true;
}

std::string_view parentOf(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

bool isInside(std::string_view path, std::string_view dir) {
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

std::string formatMode(mode_t m) {
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = static_cast<char>('0' + (m & 7));
    m >>= 3;
  }
  return s;
}

// Field-level checks of one entry (the same for parsed and built manifests).
Result<void> checkEntryFields(const Entry& e) {
  if (!isValidRelativePath(e.path)) return fail("invalid path");
  if (e.mode > 07777) return fail("mode out of range");
  switch (e.type) {
    case EntryType::kFile:
      if (e.size > kMaxFileSize) return fail("size out of range");
      if (!isSha256Hex(e.sha256)) return fail("sha256 must be 64 lowercase hex digits");
      if (!e.link_target.empty()) return fail("a file has no link target");
      return {};
    case EntryType::kDir:
    case EntryType::kSymlink:
      if (e.size != 0 || !e.sha256.empty()) return fail("only files have a size and sha256");
      if (e.type == EntryType::kDir && !e.link_target.empty())
        return fail("a dir has no link target");
      if (e.type == EntryType::kSymlink && !isValidLinkTarget(e.link_target)) {
        return fail("invalid link target");
      }
      return {};
    case EntryType::kOther:
      break;
  }
  return fail("unsupported file type " + std::string(entryTypeName(e.type)));
}

Result<void> checkCovers(const std::vector<std::string>& covers) {
  if (covers.empty()) return fail("no cover line");
  if (covers.size() > kMaxCovers) return fail("more than 64 covers");
  for (std::size_t i = 0; i < covers.size(); ++i) {
    if (!isValidRelativePath(covers[i])) return fail("invalid cover path");
    if (i == 0) continue;
    if (covers[i] <= covers[i - 1]) return fail("covers not sorted or duplicated");
    if (isInside(covers[i], covers[i - 1])) return fail("cover inside another cover");
  }
  return {};
}

// Order and tree-shape rules across entries, fed one entry at a time.
class EntryOrder {
 public:
  explicit EntryOrder(const std::vector<std::string>& covers) : covers_(covers) {}

  Result<void> add(const Entry& e) {
    if (count_ == kMaxEntries) return fail("more than 1000000 entries");
    if (count_ > 0 && e.path == last_) return fail("duplicate path");
    if (count_ > 0 && e.path < last_) return fail("entries not sorted by path");
    const std::string* cover = coverOf(e.path);
    if (cover == nullptr) return fail("path outside every cover");
    if (e.path == *cover) {
      if (e.type != EntryType::kDir) return fail("a cover must be a dir entry");
      ++covers_seen_;
    } else if (!dirs_.contains(std::string(parentOf(e.path)))) {
      return fail("parent directory not listed");
    }
    if (e.type == EntryType::kDir) dirs_.insert(e.path);
    last_ = e.path;
    ++count_;
    return {};
  }

  Result<void> finish() const {
    if (covers_seen_ != covers_.size()) return fail("a cover has no dir entry");
    return {};
  }

 private:
  const std::string* coverOf(std::string_view path) const {
    for (const auto& c : covers_) {
      if (isInside(path, c)) return &c;
    }
    return nullptr;
  }

  const std::vector<std::string>& covers_;
  std::unordered_set<std::string> dirs_;
  std::string last_;
  std::size_t count_ = 0;
  std::size_t covers_seen_ = 0;
};

Result<EntryType> parseType(std::string_view s) {
  if (s == "file") return EntryType::kFile;
  if (s == "dir") return EntryType::kDir;
  if (s == "symlink") return EntryType::kSymlink;
  return fail("unknown line type");
}

std::size_t fieldCount(EntryType t) {
  switch (t) {
    case EntryType::kFile:
      return 7;
    case EntryType::kSymlink:
      return 6;
    default:
      return 5;
  }
}

Result<Entry> parseEntry(const std::vector<std::string_view>& f) {
  auto type = parseType(f[0]);
  if (!type) return fail(type.error());
  if (f.size() != fieldCount(*type)) {
    return fail("expected " + std::to_string(fieldCount(*type)) + " fields for " +
                std::string(f[0]));
  }
  Entry e;
  e.type = *type;
  e.path = std::string(f[1]);
  if (!isValidRelativePath(e.path)) return fail("invalid path");
  auto mode = parseMode(f[2]);
  auto uid = parseDecimal(f[3], 0xfffffffe, "uid");  // (uid_t)-1 means "no owner"
  auto gid = parseDecimal(f[4], 0xfffffffe, "gid");
  if (!mode) return fail(mode.error());
  if (!uid) return fail(uid.error());
  if (!gid) return fail(gid.error());
  e.mode = *mode;
  e.uid = static_cast<uid_t>(*uid);
  e.gid = static_cast<gid_t>(*gid);
  if (e.type == EntryType::kFile) {
    auto size = parseDecimal(f[5], kMaxFileSize, "size");
    if (!size) return fail(size.error());
    e.size = *size;
    e.sha256 = std::string(f[6]);
  } else if (e.type == EntryType::kSymlink) {
    e.link_target = std::string(f[5]);
  }
  if (auto ok = checkEntryFields(e); !ok) return fail(ok.error());
  return e;
}

// Splits text into lines, each of which must end in '\n'.
Result<std::vector<std::string_view>> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      return fail("line " + std::to_string(lines.size() + 1) + ": no newline at end of file");
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

Error atLine(std::size_t index, const Error& e) {
  return Error{"line " + std::to_string(index + 1) + ": " + e.message};
}

// Parses the header lines; returns the index of the first entry line.
Result<std::size_t> parseHeader(const std::vector<std::string_view>& lines, Manifest& m) {
  if (lines.empty() || lines[0] != kManifestMagic) {
    return fail("line 1: expected '" + std::string(kManifestMagic) + "'");
  }
  if (lines.size() < 2 || !lines[1].starts_with("version\t")) {
    return fail("line 2: expected version<TAB>X.Y.Z");
  }
  std::string_view version = lines[1].substr(8);
  if (auto v = parseVersion(version); !v) return fail(atLine(1, v.error()));
  m.version = std::string(version);
  std::size_t i = 2;
  for (; i < lines.size() && lines[i].starts_with("cover\t"); ++i) {
    if (m.covers.size() == kMaxCovers) return fail(atLine(i, Error{"more than 64 covers"}));
    m.covers.emplace_back(lines[i].substr(6));
    if (auto ok = checkCovers(m.covers); !ok) return fail(atLine(i, ok.error()));
  }
  if (m.covers.empty()) return fail(atLine(i, Error{"expected cover<TAB>PATH"}));
  return i;
}

}  // namespace

bool isValidRelativePath(std::string_view path) {
  if (path.empty() || path.size() > kMaxPathBytes) return false;
  for (char c : path) {
    if (isControl(c)) return false;
  }
  for (;;) {
    std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::string_view entryTypeName(EntryType t) {
  switch (t) {
    case EntryType::kFile:
      return "file";
    case EntryType::kDir:
      return "dir";
    case EntryType::kSymlink:
      return "symlink";
    case EntryType::kOther:
      break;
  }
  return "other";
}

Result<Manifest> parseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) return fail("manifest larger than 64 MiB");
  auto lines = splitLines(text);
  if (!lines) return fail(lines.error());
  Manifest m;
  auto first = parseHeader(*lines, m);
  if (!first) return fail(first.error());
  EntryOrder order(m.covers);
  for (std::size_t i = *first; i < lines->size(); ++i) {
    auto e = parseEntry(splitFields((*lines)[i]));
    if (!e) return fail(atLine(i, e.error()));
    if (auto ok = order.add(*e); !ok) return fail(atLine(i, ok.error()));
    m.entries.push_back(std::move(*e));
  }
  if (auto ok = order.finish(); !ok) return fail(ok.error());
  return m;
}

Result<void> validateManifest(const Manifest& m) {
  if (auto v = parseVersion(m.version); !v) return fail(v.error());
  if (auto ok = checkCovers(m.covers); !ok) return fail(ok.error());
  EntryOrder order(m.covers);
  for (const auto& e : m.entries) {
    auto ok = checkEntryFields(e);
    if (ok) ok = order.add(e);
    if (!ok) return fail("entry '" + escapeForDisplay(e.path) + "': " + ok.error().message);
  }
  return order.finish();
}

std::string serializeManifest(const Manifest& m) {
  std::string out;
  out.append(kManifestMagic).append("\nversion\t").append(m.version).push_back('\n');
  for (const auto& c : m.covers) out.append("cover\t").append(c).push_back('\n');
  for (const auto& e : m.entries) {
    out.append(entryTypeName(e.type)).append("\t").append(e.path);
    out.append("\t").append(formatMode(e.mode));
    out.append("\t").append(std::to_string(e.uid)).append("\t").append(std::to_string(e.gid));
    if (e.type == EntryType::kFile) {
      out.append("\t").append(std::to_string(e.size)).append("\t").append(e.sha256);
    } else if (e.type == EntryType::kSymlink) {
      out.append("\t").append(e.link_target);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace bulwark::release
