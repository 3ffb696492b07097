// authd's per-connection state table and its TOTP view: what a worker may
// ask in which state, and that a code is never accepted twice.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "auth/totp.h"
#include "auth/totp_file.h"
#include "authd/totp_directory.h"
#include "authd/worker_peer.h"
#include "main/ban_list.h"

namespace bulwark::authd {
namespace {

using T = ipc::WorkerAuthdType;

TEST(WorkerPeerTable, OtpOnlyWhileASecondFactorIsPending) {
  WorkerPeer p;
  EXPECT_FALSE(permitted(p, T::kAuthOtp));
  EXPECT_TRUE(permitted(p, T::kAuthPassword));
  p.pending = PendingSecondFactor{"alice", std::chrono::steady_clock::now(), 0};
  EXPECT_TRUE(permitted(p, T::kAuthOtp));
  // No second password (or a handshake) while the first one's factor is open.
  EXPECT_FALSE(permitted(p, T::kAuthPassword));
  EXPECT_FALSE(permitted(p, T::kSignRequest));
  p.pending.reset();
  p.logged_in = true;
  EXPECT_FALSE(permitted(p, T::kAuthOtp));
  EXPECT_FALSE(permitted(p, T::kAuthPassword));
}

TEST(WorkerPeerTable, LogoutOnlyWithAnAttachedSession) {
  WorkerPeer p;
  EXPECT_FALSE(permitted(p, T::kLogout));
  EXPECT_TRUE(permitted(p, T::kCookieCheck));
  p.cookie_checked = true;
  p.attached_session = 7;
  EXPECT_TRUE(permitted(p, T::kLogout));
  EXPECT_FALSE(permitted(p, T::kCookieCheck));
  EXPECT_FALSE(permitted(p, T::kSignReply));
}

TEST(WorkerPeerTable, PeerAddressDropsThePort) {
  EXPECT_EQ(addressOfPeer("10.0.0.2:5000"), "10.0.0.2");
  EXPECT_EQ(addressOfPeer("[fd00::2]:443"), "fd00::2");
  EXPECT_EQ(addressOfPeer("weird"), "weird");
}

class TotpDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bulwark-totpdir-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/totp";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string code(std::string_view seed, std::int64_t t) {
    std::string c = std::to_string(auth::hotp(seed, static_cast<std::uint64_t>(t / 30)));
    return std::string(6 - c.size(), '0') + c;
  }
  std::string dir_, path_;
};

TEST_F(TotpDirectoryTest, EnrolmentFollowsTheFileAndCodesAreSingleUse) {
  TotpDirectory d(path_);
  EXPECT_EQ(d.state("alice"), TotpState::kNotEnrolled);  // no file yet
  auth::TotpFile f;
  f.set("alice", SecretBuffer("alice-seed-20-bytes!"));
  f.set("bob", SecretBuffer("bob-seed-is-20-bytes"));
  ASSERT_TRUE(auth::writeTotpFile(path_, f));
  EXPECT_EQ(d.state("alice"), TotpState::kEnrolled);
  EXPECT_EQ(d.state("carol"), TotpState::kNotEnrolled);
  std::int64_t now = std::time(nullptr);
  SecretBuffer alice_code(code("alice-seed-20-bytes!", now));
  EXPECT_EQ(d.verify("bob", alice_code, now), TotpVerdict::kWrong);  // useless for another user
  EXPECT_EQ(d.verify("alice", alice_code, now), TotpVerdict::kAccepted);
  EXPECT_EQ(d.verify("alice", alice_code, now), TotpVerdict::kReplayed);
  EXPECT_EQ(d.verify("alice", SecretBuffer("000000"), now) == TotpVerdict::kAccepted,
            code("alice-seed-20-bytes!", now + 30) == "000000");
}

TEST_F(TotpDirectoryTest, ABrokenFileFailsClosed) {
  TotpDirectory d(path_);
  {
    std::FILE* fp = std::fopen(path_.c_str(), "w");
    std::fputs("alice:not base32!\n", fp);
    std::fclose(fp);
  }
  EXPECT_EQ(d.state("alice"), TotpState::kUnavailable);
  EXPECT_EQ(d.state("nobody"), TotpState::kUnavailable);
  EXPECT_EQ(d.verify("alice", SecretBuffer("123456"), 0), TotpVerdict::kUnavailable);
}

TEST(BanList, ListsLiveBansAndRemoves) {
  using namespace std::chrono_literals;
  mainproc::BanList b;
  std::chrono::steady_clock::time_point now{};
  b.update("user:alice", 5, 30s, now);
  b.update("addr:10.0.0.9", 6, 60s, now);
  auto j = b.toJson(now + 10s);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["kind"], "addr");
  EXPECT_EQ(j[1]["name"], "alice");
  EXPECT_EQ(j[1]["remaining_s"], 20);
  EXPECT_EQ(b.toJson(now + 45s).size(), 1u);
  EXPECT_EQ(b.remove("user:alice"), 1u);
  EXPECT_EQ(b.remove("*"), 1u);
  EXPECT_TRUE(b.toJson(now).empty());
}

}  // namespace
}  // namespace bulwark::authd
