#include "release/manifest.h"

#include <gtest/gtest.h>

#include <string>

#include "release/base64.h"
#include "release/escape.h"
#include "release/version.h"

namespace bulwark::release {
namespace {

const std::string kHash(64, 'a');

// A valid manifest; tests below break it one line at a time.
std::string validText() {
  return "bulwark-manifest 1\n"
         "version\t0.1.0\n"
         "cover\tetc/bulwark\n"
         "cover\tusr/sbin\n"
         "dir\tetc/bulwark\t0755\t0\t0\n"
         "file\tetc/bulwark/bulwark.toml\t0640\t0\t117\t42\t" +
         kHash +
         "\n"
         "dir\tusr/sbin\t0755\t0\t0\n"
         "symlink\tusr/sbin/bulwark\t0777\t0\t0\tbulwarkd\n"
         "file\tusr/sbin/bulwarkd\t4755\t0\t0\t123456\t" +
         kHash + "\n";
}

std::string errorOf(std::string_view text) {
  auto m = parseManifest(text);
  return m ? std::string("(parsed)") : m.error().message;
}

// Replaces line `n` (1-based) of validText() with `line`.
std::string withLine(int n, std::string_view line) {
  std::string t = validText();
  std::size_t start = 0;
  for (int i = 1; i < n; ++i) start = t.find('\n', start) + 1;
  std::size_t end = t.find('\n', start);
  return t.replace(start, end - start, line);
}

TEST(Manifest, ParsesEveryEntryTypeAndRoundTrips) {
  auto m = parseManifest(validText());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->version, "0.1.0");
  EXPECT_EQ(m->covers, (std::vector<std::string>{"etc/bulwark", "usr/sbin"}));
  ASSERT_EQ(m->entries.size(), 5u);
  const Entry& toml = m->entries[1];
  EXPECT_EQ(toml.type, EntryType::kFile);
  EXPECT_EQ(toml.mode, 0640u);
  EXPECT_EQ(toml.gid, 117u);
  EXPECT_EQ(toml.size, 42u);
  EXPECT_EQ(toml.sha256, kHash);
  EXPECT_EQ(m->entries[3].type, EntryType::kSymlink);
  EXPECT_EQ(m->entries[3].link_target, "bulwarkd");
  EXPECT_EQ(m->entries[4].mode, 04755u);  // setuid bit survives
  EXPECT_EQ(serializeManifest(*m), validText());
  EXPECT_TRUE(validateManifest(*m));
}

TEST(Manifest, HeaderErrorsNameTheLine) {
  EXPECT_EQ(errorOf(""), "line 1: expected 'bulwark-manifest 1'");
  EXPECT_EQ(errorOf(withLine(1, "bulwark-manifest 2")), "line 1: expected 'bulwark-manifest 1'");
  EXPECT_EQ(errorOf(withLine(2, "version 0.1.0")), "line 2: expected version<TAB>X.Y.Z");
  EXPECT_EQ(errorOf(withLine(2, "version\t0.01")),
            "line 2: version '0.01': version component has a leading zero");
  EXPECT_EQ(errorOf(withLine(3, "cover\t/etc/bulwark")), "line 3: invalid cover path");
  EXPECT_EQ(errorOf(withLine(4, "cover\tetc/bulwark")), "line 4: covers not sorted or duplicated");
  EXPECT_EQ(errorOf(withLine(4, "cover\tetc/bulwark/certs")), "line 4: cover inside another cover");
  EXPECT_EQ(errorOf("bulwark-manifest 1\nversion\t1\n"), "line 3: expected cover<TAB>PATH");
}

TEST(Manifest, EntryErrorsNameTheLine) {
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t755\t0\t0")),
            "line 5: mode must be four octal digits");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0785\t0\t0")),
            "line 5: mode must be four octal digits");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0755\t00\t0")),
            "line 5: uid has a leading zero");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0755\t0\t-1")), "line 5: bad gid");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0755\t4294967295\t0")),
            "line 5: uid out of range");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0755\t0\t0\textra")),
            "line 5: expected 5 fields for dir");
  EXPECT_EQ(errorOf(withLine(5, "device\tetc/bulwark\t0755\t0\t0")), "line 5: unknown line type");
  EXPECT_EQ(errorOf(withLine(
                6, "file\tetc/bulwark/bulwark.toml\t0640\t0\t117\t42\t" + std::string(64, 'A'))),
            "line 6: sha256 must be 64 lowercase hex digits");
  EXPECT_EQ(errorOf(withLine(6, "file\tetc/bulwark/bulwark.toml\t0640\t0\t117\t042\t" + kHash)),
            "line 6: size has a leading zero");
  EXPECT_EQ(errorOf(withLine(8, "symlink\tusr/sbin/bulwark\t0777\t0\t0\t")),
            "line 8: invalid link target");
  EXPECT_EQ(errorOf(withLine(8, "symlink\tusr/sbin/bulwark\t0777\t0\t0\ta\x01")),
            "line 8: invalid link target");
}

TEST(Manifest, RejectsUnsafePaths) {
  for (const std::string& bad : std::vector<std::string>{
           "etc/bulwark/../../etc/shadow", "/etc/bulwark/x", "etc/bulwark//x", "etc/bulwark/./x",
           "etc/bulwark/x/", std::string("etc/bulwark/a\0b", 15),
           std::string("etc/bulwark/a\rb")}) {
    EXPECT_EQ(errorOf(withLine(6, "file\t" + bad + "\t0640\t0\t117\t42\t" + kHash)),
              "line 6: invalid path")
        << escapeForDisplay(bad);
  }
  EXPECT_FALSE(isValidRelativePath(""));
  EXPECT_FALSE(isValidRelativePath(".."));
  EXPECT_FALSE(isValidRelativePath(std::string(kMaxPathBytes + 1, 'a')));
  EXPECT_TRUE(isValidRelativePath(std::string(kMaxPathBytes, 'a')));
  EXPECT_TRUE(isValidRelativePath("usr/sbin/..hidden"));
  EXPECT_TRUE(isValidRelativePath("usr/sbin/caf\xc3\xa9"));  // UTF-8 names are fine
}

TEST(Manifest, RejectsOrderAndTreeShapeViolations) {
  std::string t = validText();
  // Duplicate and unsorted entries.
  EXPECT_EQ(errorOf(t + "file\tusr/sbin/bulwarkd\t4755\t0\t0\t1\t" + kHash + "\n"),
            "line 10: duplicate path");
  EXPECT_EQ(errorOf(t + "file\tusr/sbin/a\t0755\t0\t0\t1\t" + kHash + "\n"),
            "line 10: entries not sorted by path");
  // Outside every cover, parent not listed, cover not a dir, cover missing.
  EXPECT_EQ(errorOf(t + "file\tvar/x\t0644\t0\t0\t1\t" + kHash + "\n"),
            "line 10: path outside every cover");
  EXPECT_EQ(errorOf(t + "file\tusr/sbin/z/y\t0644\t0\t0\t1\t" + kHash + "\n"),
            "line 10: parent directory not listed");
  EXPECT_EQ(errorOf(withLine(7, "symlink\tusr/sbin\t0777\t0\t0\t/tmp")),
            "line 7: a cover must be a dir entry");
  std::string no_cover_dir = withLine(5, "file\tetc/bulwark/a\t0640\t0\t0\t1\t" + kHash);
  EXPECT_EQ(errorOf(no_cover_dir), "line 5: parent directory not listed");
  EXPECT_EQ(errorOf("bulwark-manifest 1\nversion\t1\ncover\tusr/sbin\n"),
            "a cover has no dir entry");
  // A file is not a parent directory.
  EXPECT_EQ(errorOf(t + "file\tusr/sbin/bulwarkd/x\t0644\t0\t0\t1\t" + kHash + "\n"),
            "line 10: parent directory not listed");
}

TEST(Manifest, RejectsLineFormatSloppiness) {
  std::string t = validText();
  EXPECT_EQ(errorOf(t.substr(0, t.size() - 1)), "line 9: no newline at end of file");
  EXPECT_EQ(errorOf(t + "\n"), "line 10: unknown line type");
  EXPECT_EQ(errorOf(withLine(5, "dir\tetc/bulwark\t0755\t0\t1\r")), "line 5: bad gid");
  EXPECT_EQ(errorOf(withLine(5, "dir etc/bulwark 0755 0 0")), "line 5: unknown line type");
  EXPECT_EQ(errorOf(t + "cover\tvar\n"), "line 10: unknown line type");
  EXPECT_EQ(errorOf(std::string(kMaxManifestBytes + 1, 'x')), "manifest larger than 64 MiB");
}

TEST(Manifest, ValidateNamesTheBadEntry) {
  auto m = parseManifest(validText());
  ASSERT_TRUE(m);
  Manifest bad = *m;
  bad.entries[1].sha256 = "";
  EXPECT_EQ(validateManifest(bad).error().message,
            "entry 'etc/bulwark/bulwark.toml': sha256 must be 64 lowercase hex digits");
  bad = *m;
  bad.entries[1].type = EntryType::kOther;
  EXPECT_EQ(validateManifest(bad).error().message,
            "entry 'etc/bulwark/bulwark.toml': unsupported file type other");
  bad = *m;
  std::swap(bad.entries[0], bad.entries[1]);
  EXPECT_FALSE(validateManifest(bad));
}

TEST(Version, ParsesAndComparesNumerically) {
  auto v = [](std::string_view s) { return *parseVersion(s); };
  EXPECT_LT(compareVersions(v("1.9"), v("1.10")), 0);
  EXPECT_GT(compareVersions(v("0.1.1"), v("0.1")), 0);
  EXPECT_EQ(compareVersions(v("1.2"), v("1.2.0")), 0);
  EXPECT_EQ(compareVersions(v("0"), v("0.0.0")), 0);
  for (std::string_view bad :
       {"", "1.", ".1", "1..2", "v1", "1.2-rc1", "01", "1234567890", "1.2.3.4.5.6.7.8.9", " 1"}) {
    EXPECT_FALSE(parseVersion(bad)) << bad;
  }
}

TEST(Base64, EncodesRfc4648VectorsAndDecodesOnlyCanonicalText) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
  for (auto [raw, text] : vectors) {
    EXPECT_EQ(encodeBase64(raw), text);
    EXPECT_EQ(*decodeBase64(text), raw);
  }
  EXPECT_FALSE(decodeBase64("Zh=="));      // unused bits set
  EXPECT_FALSE(decodeBase64("Zm9="));      // unused bits set
  EXPECT_FALSE(decodeBase64("Zg="));       // bad length
  EXPECT_FALSE(decodeBase64("Z==="));      // too much padding
  EXPECT_FALSE(decodeBase64("Zg==Zg=="));  // padding in the middle
  EXPECT_FALSE(decodeBase64("Zm 9v"));
}

TEST(Escape, KeepsPrintableAsciiAndHexesTheRest) {
  EXPECT_EQ(escapeForDisplay("usr/sbin/x"), "usr/sbin/x");
  EXPECT_EQ(escapeForDisplay(std::string("a\tb\n\x1b[31m\\\xff", 11)),
            "a\\x09b\\x0a\\x1b[31m\\x5c\\xff");
}

}  // namespace
}  // namespace bulwark::release
