#include "auth/users_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/password_hash.h"

namespace bulwark::auth {
namespace {

// Hashes as `openssl passwd -5/-6 -salt abcdefgh secret` (the format ocpasswd writes).
constexpr std::string_view kSha256Crypt = "$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.";
constexpr std::string_view kSha512Crypt =
    "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/"
    "O6IND4WQhG.";

TEST(PasswordHash, VerifiesOcpasswdCryptHashes) {
  EXPECT_TRUE(verifyPassword("secret", kSha256Crypt));
  EXPECT_TRUE(verifyPassword("secret", kSha512Crypt));
  EXPECT_FALSE(verifyPassword("Secret", kSha256Crypt));
  EXPECT_FALSE(verifyPassword("secret", "$1$abcdefgh$xxxxxxxxxxxxxxxxxxxxxx"));  // MD5: refused
  EXPECT_FALSE(verifyPassword("secret", "plaintext"));
  EXPECT_FALSE(verifyPassword("", ""));
}

TEST(PasswordHash, Argon2idRoundTrip) {
  auto h = hashPassword("correct horse");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  EXPECT_TRUE(verifyPassword("correct horse", *h));
  EXPECT_FALSE(verifyPassword("correct horse!", *h));
  EXPECT_NE(*hashPassword("correct horse"), *h);  // random salt
}

TEST(UsersFile, ParsesOcpasswdFormatWithCommentsAndLocks) {
  std::string text = "# users\n\nalice:*:" + std::string(kSha256Crypt) + "\nbob:staff:!" +
                     std::string(kSha512Crypt) + "\n";
  auto f = parseUsersFile(text);
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_NE(f->find("alice"), nullptr);
  EXPECT_FALSE(f->find("alice")->locked());
  EXPECT_TRUE(f->find("bob")->locked());
  EXPECT_EQ(f->find("bob")->activeHash(), kSha512Crypt);
  EXPECT_EQ(f->find("bob")->groups, "staff");
  EXPECT_EQ(serializeUsersFile(*f), text);  // comments and order preserved
}

TEST(UsersFile, RejectsMalformedLines) {
  EXPECT_EQ(parseUsersFile("alice\n").error().message, "line 1: expected name:groups:hash");
  EXPECT_EQ(parseUsersFile("#c\nbad name:*:x\n").error().message, "line 2: invalid user name 'bad name'");
  EXPECT_EQ(parseUsersFile("a:*:x\na:*:y\n").error().message, "line 2: duplicate user 'a'");
  EXPECT_FALSE(parseUsersFile("a:*:x:y\n"));
  // Found by users_file_fuzz: a stray CR would not survive a rewrite.
  EXPECT_EQ(parseUsersFile("a:*:x\r\r\n").error().message, "line 1: control character");
}

TEST(UsersFile, MutatorsAndTheirErrors) {
  UsersFile f;
  ASSERT_TRUE(f.add("alice", "H1"));
  EXPECT_EQ(f.add("alice", "H2").error().message, "user alice already exists");
  EXPECT_TRUE(f.add("a b", "H").error().message.starts_with("invalid user name 'a b'"));
  ASSERT_TRUE(f.lock("alice"));
  EXPECT_TRUE(f.find("alice")->locked());
  ASSERT_TRUE(f.setHash("alice", "H3"));  // stays locked
  EXPECT_EQ(f.find("alice")->hash, "!H3");
  ASSERT_TRUE(f.unlock("alice"));
  EXPECT_EQ(f.find("alice")->hash, "H3");
  EXPECT_EQ(f.remove("bob").error().message, "no such user bob");
  ASSERT_TRUE(f.remove("alice"));
  EXPECT_EQ(f.find("alice"), nullptr);
}

TEST(UsersFile, AtomicWriteAndRead) {
  auto dir = std::filesystem::temp_directory_path() / ("bulwark-users-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "users").string();
  EXPECT_FALSE(readUsersFile(path, false));
  auto empty = readUsersFile(path, true);
  ASSERT_TRUE(empty);
  ASSERT_TRUE(empty->add("carol", std::string(kSha256Crypt)));
  ASSERT_TRUE(writeUsersFileAtomically(path, *empty));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto back = readUsersFile(path, false);
  ASSERT_TRUE(back);
  EXPECT_TRUE(verifyPassword("secret", back->find("carol")->activeHash()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bulwark::auth
