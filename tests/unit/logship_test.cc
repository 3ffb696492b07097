// bulwark-logship's send queue, and main's end of it (main/log_shipper.h):
// the status checks, the command line, and what happens when a shipper
// exits or breaks the protocol (fake shippers: a script in a temp dir).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "logship/send_queue.h"
#include "main/log_shipper.h"

namespace bulwark {
namespace {

using logship::SendQueue;

std::string unsentText(const SendQueue& q) {
  auto s = q.unsent();
  return std::string(s.data(), s.size());
}

TEST(SendQueue, WritesFramesInOrderAndReportsEachSeq) {
  SendQueue q(4);
  q.push(1, "one");
  q.push(2, "two");
  EXPECT_EQ(unsentText(q), "one");
  EXPECT_EQ(q.consume(1), std::nullopt);
  EXPECT_EQ(unsentText(q), "ne");
  EXPECT_EQ(q.consume(2), 1u);
  EXPECT_EQ(unsentText(q), "two");
  EXPECT_EQ(q.consume(3), 2u);
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.unsent().empty());
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(SendQueue, WhenFullTheOldestIsDroppedAndCounted) {
  SendQueue q(3);
  for (std::uint64_t s = 1; s <= 5; ++s) q.push(s, "f" + std::to_string(s));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_EQ(unsentText(q), "f3");
}

TEST(SendQueue, AHalfSentFrameIsNeverDropped) {
  SendQueue q(2);
  q.push(1, "first");
  q.push(2, "second");
  ASSERT_EQ(q.consume(2), std::nullopt);  // "fi" is on the wire
  q.push(3, "third");                     // full: "second" goes, not "first"
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(unsentText(q), "rst");
  EXPECT_EQ(q.consume(3), 1u);
  EXPECT_EQ(unsentText(q), "third");
}

TEST(SendQueue, AFrameWhoseWriteBeganIsInFlightEvenIfNothingWentOut) {
  SendQueue q(2);
  q.push(1, "a");
  q.push(2, "b");
  ASSERT_EQ(q.consume(0), std::nullopt);  // TLS: SSL_write must be retried with the same bytes
  q.push(3, "c");
  EXPECT_EQ(unsentText(q), "a");
  EXPECT_EQ(q.consume(1), 1u);
  EXPECT_EQ(unsentText(q), "c");
}

TEST(SendQueue, RewindSendsACutFrameAgainWholeAndMakesItDroppable) {
  SendQueue q(2);
  q.push(1, "frame");
  q.push(2, "next");
  ASSERT_EQ(q.consume(3), std::nullopt);
  q.rewind();  // the connection broke after "fra"
  EXPECT_EQ(unsentText(q), "frame");
  q.push(3, "last");  // nothing in flight now: the oldest goes
  EXPECT_EQ(unsentText(q), "next");
  EXPECT_EQ(q.dropped(), 1u);
}

}  // namespace

namespace mainproc {
namespace {

TEST(ShipperStatus, BelievesOnlyCountersThatAddUp) {
  SentToShipper sent{10, 5, 14};  // seqs 5..14 handed over
  ipc::LogshipStatus before{true, 1, 7};
  EXPECT_TRUE(checkShipperStatus(before, {true, 1, 7}, sent));
  EXPECT_TRUE(checkShipperStatus(before, {false, 3, 14}, sent));
  EXPECT_TRUE(checkShipperStatus({}, {true, 0, 5}, sent));
  EXPECT_FALSE(checkShipperStatus(before, {true, 0, 7}, sent));   // drops went backwards
  EXPECT_FALSE(checkShipperStatus(before, {true, 11, 7}, sent));  // more drops than frames
  EXPECT_FALSE(checkShipperStatus(before, {true, 1, 6}, sent));   // seq went backwards
  EXPECT_FALSE(checkShipperStatus(before, {true, 1, 15}, sent));  // never given seq 15
  EXPECT_FALSE(checkShipperStatus({}, {true, 0, 4}, sent));       // nor seq 4
  EXPECT_FALSE(checkShipperStatus({}, {true, 0, 1}, SentToShipper{}));
}

TEST(ShipperArgs, PlainAndTls) {
  config::AuditConfig cfg;
  cfg.syslog_address = "127.0.0.1";
  cfg.syslog_port = 6514;
  ShipperSandbox box{"/usr/sbin", {65534, 65533}, "/run/bulwark/empty", false};
  using V = std::vector<std::string>;
  EXPECT_EQ(shipperArgs(cfg, box),
            (V{"--uid", "65534", "--gid", "65533", "--root", "/run/bulwark/empty", "--address",
               "127.0.0.1", "--port", "6514"}));
  cfg.syslog_tls = true;
  cfg.syslog_ca = "/ca.pem";
  cfg.syslog_server_name = "logs.example";
  box.debug = true;
  V tls = shipperArgs(cfg, box);
  EXPECT_EQ(V(tls.begin() + 10, tls.end()),
            (V{"--tls", "--ca", "/ca.pem", "--server-name", "logs.example", "--debug"}));
}

// A directory holding a fake bulwark-logship.
class FakeShipper : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bulwark-logship-test." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    cfg_.syslog_address = "127.0.0.1";
    cfg_.syslog_port = 9;
  }
  void TearDown() override {
    // The shipper's channel closed with the LogShipper: each fake exits on
    // that. Reap them all, so that no later test's waitpid(-1) meets one.
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
    std::filesystem::remove_all(dir_);
  }
  void install(const std::string& script) {
    auto path = dir_ / "bulwark-logship";
    std::ofstream(path) << script;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  // Ticks (with a fake clock that starts at `t`) until tick() has something to say.
  std::vector<LogShipper::Notice> tickUntilNotice(LogShipper& s, LogShipper::Clock::time_point t) {
    for (int i = 0; i < 500; ++i) {
      auto n = s.tick(t);
      if (!n.empty()) return n;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
  }
  std::filesystem::path dir_;
  config::AuditConfig cfg_;
};

TEST_F(FakeShipper, AShipperThatExitsIsRestartedAfterABackoff) {
  install("#!/bin/sh\nexit 0\n");
  LogShipper s(cfg_, {dir_.string(), {65534, 65534}, "/nonexistent", false});
  ASSERT_TRUE(s.start());
  auto t0 = LogShipper::Clock::now();
  auto n = tickUntilNotice(s, t0);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].event, "logship.exit");
  EXPECT_FALSE(s.connected());
  s.push(1, "frame");  // waits in main while no shipper runs
  EXPECT_TRUE(s.tick(t0 + std::chrono::milliseconds(500)).empty());  // still backing off
  n = tickUntilNotice(s, t0 + std::chrono::seconds(1));              // restarted, exits again
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].event, "logship.exit");
}

TEST_F(FakeShipper, AMalformedStatusGetsTheShipperKilled) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "needs python3 for the fake shipper";
  // Type 10 (LogshipStatus) with a truncated payload, then wait to be killed.
  install(
      "#!/usr/bin/python3\nimport socket, time\ns = socket.socket(fileno=3)\n"
      "s.send(b'\\x00\\x0a\\x01')\ntime.sleep(60)\n");
  LogShipper s(cfg_, {dir_.string(), {65534, 65534}, "/nonexistent", false});
  ASSERT_TRUE(s.start());
  auto n = tickUntilNotice(s, LogShipper::Clock::now());
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].event, "logship.killed");
  ASSERT_EQ(n[0].fields.at(0).first, "pid");
  pid_t pid = std::stoi(n[0].fields.at(0).second);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
}

TEST_F(FakeShipper, StatusReportsAreReadAndFramesArriveInOrder) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "needs python3 for the fake shipper";
  // Reads two LogRecords, reports "connected, last sent = the second seq",
  // then echoes nothing more until main closes the channel.
  install(
      "#!/usr/bin/python3\nimport socket, struct\ns = socket.socket(fileno=3)\n"
      "seqs = [struct.unpack('>HQ', s.recv(70000)[:10])[1] for _ in range(2)]\n"
      "s.send(struct.pack('>HBQQ', 10, 1, 0, seqs[1]))\n"
      "while s.recv(70000): pass\n");
  LogShipper s(cfg_, {dir_.string(), {65534, 65534}, "/nonexistent", false});
  ASSERT_TRUE(s.start());
  s.push(7, "seven");
  s.push(8, "eight");
  for (int i = 0; i < 500 && !s.connected(); ++i) {
    EXPECT_TRUE(s.tick(LogShipper::Clock::now()).empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.lastSentSeq(), 8u);
  EXPECT_EQ(s.dropped(), 0u);
}

TEST(LogShipperStart, UnreadableTlsFilesAreAClearFatalError) {
  config::AuditConfig cfg;
  cfg.syslog_address = "127.0.0.1";
  cfg.syslog_tls = true;
  cfg.syslog_ca = "/nonexistent/ca.pem";
  LogShipper s(cfg, {"/nonexistent", {65534, 65534}, "/nonexistent", false});
  auto r = s.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "audit.syslog_ca: cannot read /nonexistent/ca.pem: No such file or directory");
}

}  // namespace
}  // namespace mainproc
}  // namespace bulwark
