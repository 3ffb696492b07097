#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "common/secret_file.h"
#include "mitigation/policy.h"
#include "mitigation/policy_store.h"
#include "release/ed25519_key.h"
#include "release/key_file.h"
#include "release/signature.h"

namespace bulwark::mitigation {
namespace {

TEST(MitigationPolicy, ParsesEverySwitch) {
  auto p = parsePolicy(
      "version = 7\nreason = \"CVE-1\"\ndisable_new_logins = true\ndisable_dtls = true\n"
      "disable_auth_methods = [\"password-only\", \"totp\"]\n"
      "blocked_paths = [\"/\", \"/CSCOSSLC/tunnel\"]\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->version, 7u);
  EXPECT_EQ(p->reason, "CVE-1");
  EXPECT_TRUE(p->disable_new_logins && p->disable_dtls && p->disable_password_only &&
              p->disable_totp);
  EXPECT_EQ(p->blocked_paths, (std::vector<std::string>{"/", "/CSCOSSLC/tunnel"}));
}

TEST(MitigationPolicy, RefusesWhatItDoesNotUnderstand) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"reason = \"x\"\n", "version is required"},
      {"version = 1\n", "reason is required"},
      {"version = 0\nreason = \"x\"\n", "line 1: version: expected a positive integer"},
      {"version = 1\nreason = \"x\"\ndisable_vpn = true\n", "line 3: unknown key disable_vpn"},
      {"version = 1\nreason = \"x\"\ndisable_dtls = \"yes\"\n",
       "line 3: disable_dtls: expected true or false"},
      {"version = 1\nreason = \"x\"\ndisable_auth_methods = [\"radius\"]\n",
       "unknown method \"radius\""},
      {"version = 1\nreason = \"x\"\nblocked_paths = [\"CSCOSSLC\"]\n",
       "is not an absolute request path"},
      {"version = 1\nreason = \"x\"\nblocked_paths = [\"/a b\"]\n", "control or space"},
      {"version = [\n", "line 1:"},
  };
  for (const auto& c : cases) {
    auto p = parsePolicy(c.text);
    ASSERT_FALSE(p) << c.text;
    EXPECT_NE(p.error().message.find(c.want), std::string::npos) << p.error().message;
  }
}

class PolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bulwark-policy-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto pair = release::generateKeyPair();
    ASSERT_TRUE(pair);
    ASSERT_TRUE(release::writeKeyPairFiles(*pair, dir_ + "/release.key", dir_ + "/release.pub"));
    auto other = release::generateKeyPair();
    ASSERT_TRUE(other);
    ASSERT_TRUE(release::writeKeyPairFiles(*other, dir_ + "/other.key", dir_ + "/other.pub"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string signedPolicy(int version, const std::string& key = "release.key") {
    auto k = release::loadPrivateKeyFile(dir_ + "/" + key);
    auto s = release::signText(
        "version = " + std::to_string(version) + "\nreason = \"test\"\ndisable_dtls = true\n", *k);
    return *s;
  }
  std::string dir_;
};

TEST_F(PolicyStoreTest, AppliesNewerVersionsOnlyAndPersists) {
  PolicyStore store(dir_ + "/mitigation.policy", dir_ + "/release.pub");
  ASSERT_TRUE(store.load());
  EXPECT_EQ(store.active().version, 0u);
  ASSERT_TRUE(store.apply(signedPolicy(2)));
  EXPECT_TRUE(store.active().disable_dtls);
  auto same = store.apply(signedPolicy(2));
  ASSERT_FALSE(same);
  EXPECT_NE(same.error().message.find("not above the active version 2"), std::string::npos);
  EXPECT_FALSE(store.apply(signedPolicy(1)));
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/mitigation.policy").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A restart (a fresh store) keeps version 2 in force.
  PolicyStore again(dir_ + "/mitigation.policy", dir_ + "/release.pub");
  ASSERT_TRUE(again.load());
  EXPECT_EQ(again.active().version, 2u);
  EXPECT_FALSE(again.apply(signedPolicy(1)));
}

TEST_F(PolicyStoreTest, RefusesOtherKeysEditsAndNoKey) {
  PolicyStore store(dir_ + "/mitigation.policy", dir_ + "/release.pub");
  auto other = store.apply(signedPolicy(5, "other.key"));
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("bad signature"), std::string::npos);
  std::string edited = signedPolicy(5);
  edited.replace(edited.find("disable_dtls = true"), 19, "disable_dtls = fals");
  EXPECT_FALSE(store.apply(edited));
  EXPECT_FALSE(store.apply("version = 9\nreason = \"unsigned\"\n"));
  EXPECT_EQ(store.active().version, 0u);
  PolicyStore keyless(dir_ + "/p2", "");
  auto r = keyless.apply(signedPolicy(5));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no release public key configured"), std::string::npos);
}

TEST_F(PolicyStoreTest, ATamperedPersistedPolicyStopsTheStart) {
  {
    PolicyStore store(dir_ + "/mitigation.policy", dir_ + "/release.pub");
    ASSERT_TRUE(store.apply(signedPolicy(3)));
  }
  std::string forged = signedPolicy(9, "other.key");
  ASSERT_TRUE(writeSecretFileAtomically(dir_ + "/mitigation.policy", forged, 0600));
  PolicyStore store(dir_ + "/mitigation.policy", dir_ + "/release.pub");
  auto r = store.load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad signature"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::mitigation
