// When audit records reach the disk: at once in the file, fdatasync'd either
// after each record (sync_ms = 0) or once per window of sync_ms, never later.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "auditlog/writer.h"
#include "config/config.h"
#include "main/audit_trail.h"

namespace bulwark {
namespace {

using std::chrono::milliseconds;

class AuditSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bulwark-audit-sync-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    cfg_.file = dir_ + "/audit.jsonl";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string fileText() {
    std::ifstream in(cfg_.file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
  config::AuditConfig cfg_;
};

TEST_F(AuditSyncTest, WriterHoldsTheSyncUntilAskedAndTheRecordIsInTheFileBefore) {
  auto w = auditlog::AuditWriter::open(cfg_.file);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_FALSE(w->unsynced());
  ASSERT_TRUE(w->append("login.success", {{"user", "alice"}}));
  EXPECT_TRUE(w->unsynced());
  EXPECT_NE(fileText().find("\"user\":\"alice\""), std::string::npos);
  ASSERT_TRUE(w->sync());
  EXPECT_FALSE(w->unsynced());
}

TEST_F(AuditSyncTest, MovingAWriterCarriesItsPendingSync) {
  auto w = auditlog::AuditWriter::open(cfg_.file);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE(w->append("login.success", {{"user", "alice"}}));
  auditlog::AuditWriter moved = std::move(*w);
  EXPECT_TRUE(moved.unsynced());
  EXPECT_TRUE(moved.sync());
  EXPECT_FALSE(moved.unsynced());
}

TEST_F(AuditSyncTest, WithSyncMsZeroNothingIsLeftWaiting) {
  cfg_.sync_ms = 0;
  mainproc::AuditTrail audit;
  ASSERT_TRUE(audit.open(cfg_, {}));
  EXPECT_EQ(audit.msUntilTick(), -1);
  audit.record("tunnel.start", {{"user", "alice"}});
  EXPECT_EQ(audit.msUntilTick(), -1);
  EXPECT_NE(fileText().find("tunnel.start"), std::string::npos);
}

TEST_F(AuditSyncTest, ARecordAsksForATickWithinSyncMsAndTheTickEndsTheWait) {
  cfg_.sync_ms = 1000;
  mainproc::AuditTrail audit;
  ASSERT_TRUE(audit.open(cfg_, {}));
  EXPECT_EQ(audit.msUntilTick(), -1);  // idle: no timer at all
  audit.record("tunnel.start", {{"user", "alice"}});
  auto t0 = mainproc::AuditTrail::Clock::now();  // the deadline is at most t0 + 1 s
  int ms = audit.msUntilTick(t0);
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 1000);
  EXPECT_NE(fileText().find("tunnel.start"), std::string::npos);  // in the file already
  audit.tick(t0 + milliseconds(1100));
  EXPECT_EQ(audit.msUntilTick(t0 + milliseconds(1100)), -1);
}

TEST_F(AuditSyncTest, LaterRecordsDoNotPushTheDeadlineOut) {
  cfg_.sync_ms = 1000;
  mainproc::AuditTrail audit;
  ASSERT_TRUE(audit.open(cfg_, {}));
  audit.record("tunnel.start", {{"user", "alice"}});
  auto t0 = mainproc::AuditTrail::Clock::now();
  audit.tick(t0 + milliseconds(500));  // not due yet: still waiting
  audit.record("tunnel.end", {{"user", "alice"}});
  int ms = audit.msUntilTick(t0 + milliseconds(600));
  EXPECT_GE(ms, 0);
  EXPECT_LE(ms, 400);  // the first record's deadline, not the second's
  EXPECT_EQ(audit.msUntilTick(t0 + milliseconds(2000)), 0);  // overdue: tick at once
}

}  // namespace
}  // namespace bulwark
