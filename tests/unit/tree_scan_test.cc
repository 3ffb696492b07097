#include "release/tree_scan.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "release/file_hash.h"
#include "release/manifest_build.h"
#include "release/tree_compare.h"

namespace bulwark::release {
namespace {

namespace fs = std::filesystem;

class TreeScan : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bulwark-treescan-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    mkdir("usr/sbin", 0755);
    mkdir("etc/bulwark", 0755);
    mkdir("etc/bulwark/certs", 0700);
    write("usr/sbin/bulwarkd", "daemon binary", 0755);
    write("usr/sbin/bulwark-worker", "worker binary", 0755);
    write("etc/bulwark/bulwark.toml", "listen = 443\n", 0640);
    write("etc/bulwark/certs/server.pem", "cert", 0600);
    link("bulwarkd", "usr/sbin/bulwark");
    write("var/outside", "not covered", 0644);
    auto m = scanAndBuild();
    ASSERT_TRUE(m) << m.error().message;
    manifest_ = *m;
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string at(const std::string& rel) const { return root_ + "/" + rel; }
  void mkdir(const std::string& rel, mode_t mode) {
    fs::create_directories(at(rel));
    ASSERT_EQ(::chmod(at(rel).c_str(), mode), 0);
  }
  void write(const std::string& rel, std::string_view bytes, mode_t mode) {
    fs::create_directories(fs::path(at(rel)).parent_path());
    std::ofstream(at(rel), std::ios::binary | std::ios::trunc) << bytes;
    ASSERT_EQ(::chmod(at(rel).c_str(), mode), 0);
  }
  void link(const std::string& target, const std::string& rel) {
    ASSERT_EQ(::symlink(target.c_str(), at(rel).c_str()), 0);
  }
  Result<Manifest> scanAndBuild() {
    auto t = scanTree(root_, covers_);
    if (!t) return fail(t.error());
    return buildManifest(*t, "0.1.0", covers_);
  }
  Report compare() {
    auto t = scanTree(root_, manifest_.covers);
    EXPECT_TRUE(t);
    return compareTree(manifest_, *t);
  }
  // The one difference a change must produce.
  Difference onlyDifference() {
    Report r = compare();
    EXPECT_EQ(r.differences.size(), 1u);
    return r.differences.empty() ? Difference{} : r.differences[0];
  }

  std::string root_;
  std::vector<std::string> covers_{"usr/sbin", "etc/bulwark"};
  Manifest manifest_;
};

TEST_F(TreeScan, ScanRecordsEveryAttributeInPathOrder) {
  ASSERT_EQ(manifest_.entries.size(), 8u);
  std::vector<std::string> paths;
  for (const auto& e : manifest_.entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"etc/bulwark", "etc/bulwark/bulwark.toml",
                                             "etc/bulwark/certs", "etc/bulwark/certs/server.pem",
                                             "usr/sbin", "usr/sbin/bulwark",
                                             "usr/sbin/bulwark-worker", "usr/sbin/bulwarkd"}));
  const Entry& d = manifest_.entries[7];
  EXPECT_EQ(d.type, EntryType::kFile);
  EXPECT_EQ(d.mode, 0755u);
  EXPECT_EQ(d.uid, ::getuid());
  EXPECT_EQ(d.size, 13u);
  EXPECT_EQ(d.sha256, sha256Hex("daemon binary"));
  EXPECT_EQ(manifest_.entries[5].type, EntryType::kSymlink);
  EXPECT_EQ(manifest_.entries[5].link_target, "bulwarkd");
  EXPECT_EQ(manifest_.entries[2].mode, 0700u);
}

TEST_F(TreeScan, UnchangedTreeIsClean) {
  Report r = compare();
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.files_total, 4u);
  EXPECT_EQ(r.files_verified, 4u);
  write("var/outside", "changed outside the covers", 0777);
  EXPECT_TRUE(compare().clean());
}

TEST_F(TreeScan, PlantedFileIsAdded) {
  write("usr/sbin/evil", "x", 0755);
  EXPECT_EQ(onlyDifference(), (Difference{DiffKind::kAdded, "usr/sbin/evil", {}, {}}));
  // Hidden names, odd bytes and deep nesting get no special treatment.
  write("etc/bulwark/certs/.a/b/c/d", "x", 0644);
  write("etc/bulwark/new\nline", "x", 0644);
  Report r = compare();
  std::vector<std::string> added;
  for (const auto& d : r.differences) {
    EXPECT_EQ(d.kind, DiffKind::kAdded);
    added.push_back(d.path);
  }
  EXPECT_EQ(added, (std::vector<std::string>{
                       "etc/bulwark/certs/.a", "etc/bulwark/certs/.a/b", "etc/bulwark/certs/.a/b/c",
                       "etc/bulwark/certs/.a/b/c/d", "etc/bulwark/new\nline", "usr/sbin/evil"}));
}

TEST_F(TreeScan, DeletedFileIsMissing) {
  fs::remove(at("etc/bulwark/certs/server.pem"));
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kMissing, "etc/bulwark/certs/server.pem", {}, {}}));
  Report r = compare();
  EXPECT_EQ(r.files_total, 4u);
  EXPECT_EQ(r.files_verified, 3u);
}

TEST_F(TreeScan, SameSizeContentChangeIsCaughtByHash) {
  write("usr/sbin/bulwarkd", "daemon binarY", 0755);
  EXPECT_EQ(onlyDifference(), (Difference{DiffKind::kContent, "usr/sbin/bulwarkd",
                                          sha256Hex("daemon binary"), sha256Hex("daemon binarY")}));
}

TEST_F(TreeScan, GrownFileChangesSizeAndContent) {
  write("usr/sbin/bulwarkd", "daemon binary+", 0755);
  Report r = compare();
  ASSERT_EQ(r.differences.size(), 2u);
  EXPECT_EQ(r.differences[0], (Difference{DiffKind::kSize, "usr/sbin/bulwarkd", "13", "14"}));
  EXPECT_EQ(r.differences[1].kind, DiffKind::kContent);
}

TEST_F(TreeScan, ModeChangesIncludingSetuidAreCaught) {
  ASSERT_EQ(::chmod(at("etc/bulwark/bulwark.toml").c_str(), 0666), 0);
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kMode, "etc/bulwark/bulwark.toml", "0640", "0666"}));
  ASSERT_EQ(::chmod(at("etc/bulwark/bulwark.toml").c_str(), 0640), 0);
  ASSERT_EQ(::chmod(at("usr/sbin/bulwark-worker").c_str(), 04755), 0);
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kMode, "usr/sbin/bulwark-worker", "0755", "4755"}));
  ASSERT_EQ(::chmod(at("usr/sbin/bulwark-worker").c_str(), 0755), 0);
  ASSERT_EQ(::chmod(at("usr/sbin").c_str(), 0777), 0);  // the cover directory itself
  EXPECT_EQ(onlyDifference(), (Difference{DiffKind::kMode, "usr/sbin", "0755", "0777"}));
}

TEST_F(TreeScan, OwnerChangeIsCaught) {
  // No chown without root: change the manifest's side instead.
  std::string uid = std::to_string(::getuid()), gid = std::to_string(::getgid());
  manifest_.entries[1].uid += 1;
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kOwner, "etc/bulwark/bulwark.toml",
                        std::to_string(::getuid() + 1) + ":" + gid, uid + ":" + gid}));
}

TEST_F(TreeScan, TypeAndLinkTargetChangesAreCaught) {
  fs::remove(at("usr/sbin/bulwark-worker"));
  link("/tmp/evil", "usr/sbin/bulwark-worker");
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kType, "usr/sbin/bulwark-worker", "file", "symlink"}));
  fs::remove(at("usr/sbin/bulwark-worker"));
  write("usr/sbin/bulwark-worker", "worker binary", 0755);
  fs::remove(at("usr/sbin/bulwark"));
  link("/tmp/evil", "usr/sbin/bulwark");
  EXPECT_EQ(onlyDifference(),
            (Difference{DiffKind::kLinkTarget, "usr/sbin/bulwark", "bulwarkd", "/tmp/evil"}));
}

TEST_F(TreeScan, SymlinksAreNeverFollowed) {
  // A symlink to a directory inside a cover is one entry, not a walk.
  link(root_ + "/var", "etc/bulwark/certs/escape");
  Report r = compare();
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].path, "etc/bulwark/certs/escape");
  // A symlinked parent of a cover is not entered: the cover looks missing.
  fs::rename(at("usr"), at("real-usr"));
  link(root_ + "/real-usr", "usr");
  r = compare();
  EXPECT_FALSE(r.clean());
  ASSERT_EQ(r.unverifiable.size(), 1u);
  EXPECT_EQ(r.unverifiable[0].path, "usr");
  std::size_t missing = 0;
  for (const auto& d : r.differences) missing += d.kind == DiffKind::kMissing;
  EXPECT_EQ(missing, 4u);  // usr/sbin and its three entries
  // A cover that is itself a symlink is recorded as one, with a TYPE change.
  fs::remove(at("usr"));
  fs::rename(at("real-usr"), at("usr"));
  fs::rename(at("etc/bulwark"), at("etc/real-bulwark"));
  link("real-bulwark", "etc/bulwark");
  r = compare();
  EXPECT_EQ(r.differences.front(), (Difference{DiffKind::kType, "etc/bulwark", "dir", "symlink"}));
}

TEST_F(TreeScan, SpecialFilesAreAddedAndNeverInAManifest) {
  ASSERT_EQ(::mkfifo(at("usr/sbin/pipe").c_str(), 0644), 0);
  EXPECT_EQ(onlyDifference(), (Difference{DiffKind::kAdded, "usr/sbin/pipe", {}, {}}));
  auto m = scanAndBuild();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "usr/sbin/pipe: not a file, directory or symlink");
}

TEST_F(TreeScan, UnreadableFileIsUnverifiableNotChanged) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  ASSERT_EQ(::chmod(at("etc/bulwark/certs/server.pem").c_str(), 0), 0);
  manifest_.entries[3].mode = 0;  // as if released unreadable
  Report r = compare();
  EXPECT_TRUE(r.differences.empty());
  ASSERT_EQ(r.unverifiable.size(), 1u);
  EXPECT_EQ(r.unverifiable[0].path, "etc/bulwark/certs/server.pem");
  EXPECT_EQ(r.files_verified, 3u);
  EXPECT_FALSE(r.clean());
}

TEST_F(TreeScan, MissingRootIsAnError) {
  EXPECT_FALSE(scanTree(root_ + "/nonexistent", covers_));
  EXPECT_FALSE(scanTree(root_, {"../etc"}));
}

TEST_F(TreeScan, BuildRefusesAMissingCover) {
  covers_.push_back("opt/bulwark");
  auto m = scanAndBuild();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "a cover has no dir entry");
}

}  // namespace
}  // namespace bulwark::release
