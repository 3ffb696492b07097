#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "auth/base32.h"
#include "auth/totp_file.h"
#include "common/secret_file.h"

namespace bulwark::auth {
namespace {

TEST(TotpFile, ParsesCommentsBlankLinesAndLowerCase) {
  auto f = parseTotpFile("# seeds\n\nalice:GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\r\nbob:gezd gnbv gy3t qojq\n");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_NE(f->seedOf("alice"), nullptr);
  EXPECT_EQ(f->seedOf("alice")->view(), "12345678901234567890");
  EXPECT_EQ(f->seedOf("bob")->view(), "1234567890");
  EXPECT_EQ(f->seedOf("carol"), nullptr);
  EXPECT_EQ(f->users(), (std::vector<std::string>{"alice", "bob"}));
}

TEST(TotpFile, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"alice:GEZDGNBVGY3TQOJQ\nnocolon\n", "line 2: expected name:BASE32SECRET"},
      {"al ice:GEZDGNBVGY3TQOJQ\n", "line 1: invalid user name"},
      {"alice:GEZDGNB1\n", "line 1: not a base32 character"},
      {"alice:MZXW6\n", "line 1: secret must be 10 to 64 bytes"},
      {"alice:GEZDGNBVGY3TQOJQ\nalice:GEZDGNBVGY3TQOJQ\n", "line 2: duplicate user alice"},
  };
  for (const auto& c : cases) {
    auto f = parseTotpFile(c.text);
    ASSERT_FALSE(f) << c.text;
    EXPECT_NE(f.error().message.find(c.want), std::string::npos) << f.error().message;
  }
}

TEST(TotpFile, SerializeRoundTrips) {
  TotpFile f;
  f.set("zed", SecretBuffer("0123456789abcdefghij"));
  f.set("amy", SecretBuffer("ABCDEFGHIJKLMNOPQRST"));
  auto again = parseTotpFile(serializeTotpFile(f));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seedOf("zed")->view(), "0123456789abcdefghij");
  EXPECT_EQ(again->seedOf("amy")->view(), "ABCDEFGHIJKLMNOPQRST");
  EXPECT_TRUE(again->remove("amy"));
  EXPECT_FALSE(again->remove("amy"));
}

TEST(TotpFile, WrittenFileIsMode0600AndMissingFileIsEmpty) {
  char tmpl[] = "/tmp/bulwark-totp-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/totp";
  auto empty = readTotpFile(path);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->users().empty());
  TotpFile f;
  f.set("alice", SecretBuffer("12345678901234567890"));
  ASSERT_TRUE(writeTotpFile(path, f));
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = readTotpFile(path);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seedOf("alice")->view(), "12345678901234567890");
  std::filesystem::remove_all(tmpl);
}

TEST(SecretFile, RefusesFilesOverTheCap) {
  char tmpl[] = "/tmp/bulwark-secret-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/f";
  ASSERT_TRUE(writeSecretFileAtomically(path, std::string(5000, 'x'), 0600));
  EXPECT_TRUE(readSecretFile(path, 5000, false));
  auto big = readSecretFile(path, 4999, false);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("larger than 4999 bytes"), std::string::npos);
  EXPECT_FALSE(readSecretFile(path + ".none", 10, false));
  EXPECT_TRUE(readSecretFile(path + ".none", 10, true));
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace bulwark::auth
