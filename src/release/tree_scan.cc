#include "release/tree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/unique_fd.h"
#include "release/file_hash.h"

namespace bulwark::release {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

std::string errnoText() { return std::strerror(errno); }

EntryType typeOf(mode_t m) {
  if (S_ISREG(m)) return EntryType::kFile;
  if (S_ISDIR(m)) return EntryType::kDir;
  if (S_ISLNK(m)) return EntryType::kSymlink;
  return EntryType::kOther;
}

bool sameInode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Child names of an open directory, sorted; "." and ".." left out. Takes a
// duplicate of `dir_fd` because closedir closes the fd it was given.
Result<std::vector<std::string>> listNames(int dir_fd) {
  int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return fail(errnoText());
  DirPtr dir(::fdopendir(dup_fd));
  if (!dir) {
    ::close(dup_fd);
    return fail(errnoText());
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* d = ::readdir(dir.get());
    if (d == nullptr) break;
    std::string_view n = d->d_name;
    if (n == "." || n == "..") continue;
    if (names.size() == kMaxScanEntries) return fail("directory has too many entries");
    names.emplace_back(n);
  }
  if (errno != 0) return fail(errnoText());
  std::sort(names.begin(), names.end());
  return names;
}

class Scanner {
 public:
  Result<void> scanCover(int root_fd, const std::string& cover);
  ScannedTree take() {
    std::sort(out_.entries.begin(), out_.entries.end(),
              [](const Entry& a, const Entry& b) { return a.path < b.path; });
    return std::move(out_);
  }

 private:
  Result<void> visit(int dir_fd, const std::string& name, const std::string& path,
                     std::size_t depth);
  Result<void> walk(int dir_fd, const std::string& path, std::size_t depth);
  void hashFile(int dir_fd, const std::string& name, const struct stat& st, Entry& e);
  void readLink(int dir_fd, const std::string& name, Entry& e);
  void problem(const std::string& path, std::string message) {
    out_.problems.push_back(ScanProblem{path, std::move(message)});
  }

  ScannedTree out_;
};

Result<void> Scanner::scanCover(int root_fd, const std::string& cover) {
  UniqueFd parent(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!parent) return fail(errnoText());
  std::string_view rest = cover;
  std::string walked;
  for (std::size_t slash; (slash = rest.find('/')) != std::string_view::npos;) {
    std::string part(rest.substr(0, slash));
    walked += (walked.empty() ? "" : "/") + part;
    rest.remove_prefix(slash + 1);
    UniqueFd next(
        ::openat(parent.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      // Missing: every manifest entry below shows up as MISSING.
      if (errno != ENOENT) problem(walked, "cannot enter (" + errnoText() + "), not following");
      return {};
    }
    parent = std::move(next);
  }
  return visit(parent.get(), std::string(rest), cover, 0);
}

Result<void> Scanner::visit(int dir_fd, const std::string& name, const std::string& path,
                            std::size_t depth) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) problem(path, "cannot stat: " + errnoText());
    return {};  // vanished since it was listed: nothing to record
  }
  if (out_.entries.size() == kMaxScanEntries) return fail("more than 1000000 entries");
  Entry e;
  e.path = path;
  e.type = typeOf(st.st_mode);
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  if (e.type == EntryType::kFile) {
    e.size = static_cast<std::uint64_t>(st.st_size);
    hashFile(dir_fd, name, st, e);
  } else if (e.type == EntryType::kSymlink) {
    readLink(dir_fd, name, e);
  }
  out_.entries.push_back(std::move(e));
  if (!S_ISDIR(st.st_mode)) return {};
  if (path.size() > kMaxPathBytes) return {};  // reported as ADDED: no manifest has it
  if (depth >= kMaxScanDepth) {
    problem(path, "directory nested too deep, contents not scanned");
    return {};
  }
  UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat sub_st {};
  if (!sub || ::fstat(sub.get(), &sub_st) != 0) {
    problem(path, "cannot open directory: " + errnoText());
    return {};
  }
  if (!sameInode(st, sub_st)) {
    problem(path, "replaced while scanning");
    return {};
  }
  return walk(sub.get(), path, depth + 1);
}

Result<void> Scanner::walk(int dir_fd, const std::string& path, std::size_t depth) {
  auto names = listNames(dir_fd);
  if (!names) {
    problem(path, "cannot list directory: " + names.error().message);
    return {};
  }
  for (const auto& n : *names) {
    if (auto ok = visit(dir_fd, n, path + "/" + n, depth); !ok) return ok;
  }
  return {};
}

void Scanner::hashFile(int dir_fd, const std::string& name, const struct stat& st, Entry& e) {
  if (static_cast<std::uint64_t>(st.st_size) > kMaxHashedFileBytes) {
    problem(e.path, "larger than the 4 GiB read cap, contents not hashed");
    return;
  }
  // O_NONBLOCK: if the name was swapped for a FIFO after the stat, open must
  // not hang; the inode check below then rejects it.
  UniqueFd fd(
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  struct stat fd_st {};
  if (!fd || ::fstat(fd.get(), &fd_st) != 0) {
    problem(e.path, "cannot read: " + errnoText());
    return;
  }
  if (!S_ISREG(fd_st.st_mode) || !sameInode(st, fd_st)) {
    problem(e.path, "replaced while scanning");
    return;
  }
  auto d = sha256OfFd(fd.get(), kMaxHashedFileBytes);
  if (!d) {
    problem(e.path, "cannot read: " + d.error().message);
  } else if (d->bytes_read != e.size) {
    problem(e.path, "changed size while being read");
  } else {
    e.sha256 = std::move(d->hex);
  }
}

void Scanner::readLink(int dir_fd, const std::string& name, Entry& e) {
  std::string buf(kMaxLinkTargetBytes + 1, '\0');
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), buf.data(), buf.size());
  if (n < 0) {
    problem(e.path, "cannot read link: " + errnoText());
  } else {
    // An over-long target is kept truncated at cap + 1 bytes, so it still
    // differs from every target a manifest can hold.
    buf.resize(static_cast<std::size_t>(n));
    e.link_target = std::move(buf);
  }
}

}  // namespace

Result<ScannedTree> scanTree(const std::string& root, const std::vector<std::string>& covers) {
  UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return fail("cannot open root " + root + ": " + errnoText());
  Scanner s;
  for (const auto& c : covers) {
    if (!isValidRelativePath(c)) return fail("invalid cover path");
    if (auto ok = s.scanCover(root_fd.get(), c); !ok) return fail(ok.error());
  }
  return s.take();
}

}  // namespace bulwark::release
