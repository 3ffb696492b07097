// The hash-chained audit log: records are single lines, the writer continues
// the chain across restarts, and the verifier names the first broken record
// for each kind of tampering.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "auditlog/record.h"
#include "auditlog/syslog_frame.h"
#include "auditlog/verify.h"
#include "auditlog/writer.h"

namespace bulwark::auditlog {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bulwark-audit-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/audit.jsonl";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void writeRecords(int n) {
    auto w = AuditWriter::open(path_);
    ASSERT_TRUE(w) << w.error().message;
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(w->append("login.failure",
                            {{"user", "u" + std::to_string(i)}, {"n", std::to_string(i)}}));
  }
  std::vector<std::string> lines() {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  static std::string join(const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) s += l + "\n";
    return s;
  }
  std::string dir_, path_;
};

TEST_F(AuditLogTest, AnIntactChainVerifies) {
  writeRecords(10);
  auto r = verifyAuditLog(join(lines()), 10);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.records, 10u);
  EXPECT_EQ(r.last_seq, 10u);
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AuditLogTest, HostileValuesStayOnOneLine) {
  {
    auto w = AuditWriter::open(path_);
    ASSERT_TRUE(
        w->append("login.failure", {{"user", "evil\n{\"seq\":99}\r\"\\\x01"}, {"prev", "x"}}));
  }
  auto ls = lines();
  ASSERT_EQ(ls.size(), 1u);
  auto j = nlohmann::json::parse(ls[0]);
  EXPECT_EQ(j["user"], "evil\n{\"seq\":99}\r\"\\\x01");
  EXPECT_EQ(j["x_prev"], "x");  // a reserved name is renamed, not dropped
  EXPECT_EQ(j["prev"], std::string(kGenesisHash));
  EXPECT_TRUE(verifyAuditLog(join(ls), 1).ok);
}

TEST_F(AuditLogTest, ADeletedRecordIsNamed) {
  writeRecords(10);
  auto ls = lines();
  ls.erase(ls.begin() + 3);  // seq 4
  auto r = verifyAuditLog(join(ls), std::nullopt);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_EQ(r.seq, 5u);
  EXPECT_NE(r.reason.find("sequence jumps from 3 to 5"), std::string::npos) << r.reason;
}

TEST_F(AuditLogTest, AnEditedRecordIsNamedByTheNextOne) {
  writeRecords(10);
  auto ls = lines();
  auto pos = ls[3].find("\"u3\"");
  ASSERT_NE(pos, std::string::npos);
  ls[3].replace(pos, 4, "\"u9\"");
  auto r = verifyAuditLog(join(ls), std::nullopt);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.line, 5u);
  EXPECT_EQ(r.seq, 5u);
  EXPECT_NE(r.reason.find("was edited"), std::string::npos) << r.reason;
  EXPECT_EQ(r.records, 4u);
}

TEST_F(AuditLogTest, ReorderedRecordsAreNamed) {
  writeRecords(10);
  auto ls = lines();
  std::swap(ls[3], ls[4]);
  auto r = verifyAuditLog(join(ls), std::nullopt);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_EQ(r.seq, 5u);
}

TEST_F(AuditLogTest, TruncationIsDetected) {
  writeRecords(10);
  std::string text = join(lines());
  auto torn = verifyAuditLog(text.substr(0, text.size() - 10), std::nullopt);
  ASSERT_FALSE(torn.ok);
  EXPECT_EQ(torn.line, 10u);
  EXPECT_NE(torn.reason.find("no newline"), std::string::npos);
  auto ls = lines();
  ls.pop_back();
  EXPECT_TRUE(verifyAuditLog(join(ls), std::nullopt).ok);  // a clean cut needs the last seq...
  auto cut = verifyAuditLog(join(ls), 10);                 // ...from elsewhere
  ASSERT_FALSE(cut.ok);
  EXPECT_EQ(cut.seq, 10u);
  EXPECT_NE(cut.reason.find("tail was truncated"), std::string::npos);
}

TEST_F(AuditLogTest, GarbageAndAMissingFirstRecordAreNamed) {
  writeRecords(3);
  auto ls = lines();
  EXPECT_EQ(verifyAuditLog(join({ls[0], "not json", ls[1]}), std::nullopt).line, 2u);
  auto r = verifyAuditLog(join({ls[1], ls[2]}), std::nullopt);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.line, 1u);
}

TEST_F(AuditLogTest, TheWriterContinuesTheChainAfterARestart) {
  writeRecords(3);
  writeRecords(2);
  auto r = verifyAuditLog(join(lines()), 5);
  EXPECT_TRUE(r.ok) << r.reason;
  auto w = AuditWriter::open(path_);
  EXPECT_EQ(w->lastSeq(), 5u);
  EXPECT_EQ(w->lastHash(), lineHash(lines().back()));
}

TEST_F(AuditLogTest, ADamagedEndStartsAVisibleNewChain) {
  writeRecords(3);
  {
    std::ofstream out(path_, std::ios::app);
    out << "{\"seq\":4,\"tor";
  }
  writeRecords(1);
  auto ls = lines();
  ASSERT_EQ(ls.size(), 6u);
  auto j = nlohmann::json::parse(ls[4]);
  EXPECT_EQ(j["event"], "audit.new_chain");
  EXPECT_EQ(j["seq"], 1);
  auto r = verifyAuditLog(join(ls), std::nullopt);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);  // the torn line
}

TEST(SyslogFrame, IsOctetCountedRfc5424WithTheSeq) {
  std::string f = frameSyslog(17, R"({"seq":17})", "gw 1", 42);
  auto sp = f.find(' ');
  ASSERT_NE(sp, std::string::npos);
  EXPECT_EQ(std::stoul(f.substr(0, sp)), f.size() - sp - 1);
  std::string msg = f.substr(sp + 1);
  EXPECT_TRUE(msg.starts_with("<86>1 "));
  EXPECT_NE(msg.find(" gw1 bulwark 42 audit [bulwark@32473 seq=\"17\"] {\"seq\":17}"),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace bulwark::auditlog
