// WorkerLauncher's zygote restart timer, which main's loop drives with
// msUntilTick()/tick(). The "zygote" is a script that only sleeps: the
// launcher needs a process that starts and can be killed, nothing more.
#include "main/worker_launcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "temp_dir.h"

namespace bulwark::mainproc {
namespace {

using Clock = std::chrono::steady_clock;

class WorkerLauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zygote_ = dir_.path() + "/fake-zygote";
    std::ofstream(zygote_) << "#!/bin/sh\nexec sleep 60\n";
    ASSERT_EQ(::chmod(zygote_.c_str(), 0755), 0);
  }

  LaunchOptions options(WorkerLaunch mode) const {
    LaunchOptions o;
    o.executable = zygote_;
    o.empty_root = dir_.path();
    o.mode = mode;
    return o;
  }
  // Kills and reaps a zygote the launcher started, as main's SIGCHLD path would see it.
  static int killAndReap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  }
  static void stopAndReap(WorkerLauncher& l) {
    pid_t pid = l.zygotePid();
    l.stop();
    if (pid > 0) killAndReap(pid);
  }

  test_support::TempDir dir_{"bulwark-launcher-test"};
  std::string zygote_;
};

TEST_F(WorkerLauncherTest, NoTimerWhileTheZygoteLives) {
  WorkerLauncher l(options(WorkerLaunch::kFork));
  l.prepare();
  ASSERT_GT(l.zygotePid(), 0);
  EXPECT_EQ(l.msUntilTick(Clock::now()), -1);
  stopAndReap(l);
}

TEST_F(WorkerLauncherTest, DeadZygoteIsRestartedByTheTimerWithoutAConnection) {
  WorkerLauncher l(options(WorkerLaunch::kFork));
  l.prepare();
  auto started = Clock::now();
  pid_t first = l.zygotePid();
  ASSERT_GT(first, 0);
  int status = killAndReap(first);
  ASSERT_TRUE(l.zygoteExited(first, status));
  EXPECT_EQ(l.zygotePid(), -1);

  // Due one restart interval after the last start, not at once and not never.
  int ms = l.msUntilTick(started);
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 1000);
  EXPECT_EQ(l.msUntilTick(started + WorkerLauncher::kRestartInterval), 0);

  l.tick(started);  // too early: the old zygote started less than an interval ago
  EXPECT_EQ(l.zygotePid(), -1);
  l.tick(started + WorkerLauncher::kRestartInterval + std::chrono::milliseconds(1));
  pid_t second = l.zygotePid();
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_EQ(l.msUntilTick(Clock::now()), -1);
  EXPECT_EQ(l.status()["zygotes_started"], 2);
  stopAndReap(l);
}

TEST_F(WorkerLauncherTest, ReplacedZygoteExitingArmsNoTimer) {
  WorkerLauncher l(options(WorkerLaunch::kFork));
  l.prepare();
  pid_t old = l.zygotePid();
  ASSERT_GT(old, 0);
  l.renew("test");  // as after a crash or a reload
  pid_t current = l.zygotePid();
  ASSERT_GT(current, 0);
  ASSERT_NE(current, old);
  EXPECT_TRUE(l.zygoteExited(old, killAndReap(old)));
  EXPECT_EQ(l.zygotePid(), current);
  EXPECT_EQ(l.msUntilTick(Clock::now()), -1);
  stopAndReap(l);
}

// The glibc malloc tunables reach the worker's process, zygote and exec'd
// alike. The fake worker writes what it got into a FIFO; the test's blocking
// read of it to EOF waits for exactly that.
class WorkerEnvironmentTest : public WorkerLauncherTest {
 protected:
  void SetUp() override {
    WorkerLauncherTest::SetUp();  // names zygote_
    fifo_ = dir_.path() + "/env";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    std::ofstream(zygote_) << "#!/bin/sh\nprintf '%s' \"$GLIBC_TUNABLES\" > " << fifo_
                           << "\nexec sleep 60\n";
    ASSERT_EQ(::chmod(zygote_.c_str(), 0755), 0);
  }
  std::string readFifo() const {
    std::ifstream in(fifo_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string fifo_;
};

TEST_F(WorkerEnvironmentTest, ZygoteGetsTheMallocTunables) {
  WorkerLauncher l(options(WorkerLaunch::kFork));
  l.prepare();
  ASSERT_GT(l.zygotePid(), 0);
  EXPECT_EQ("GLIBC_TUNABLES=" + readFifo(), kWorkerMallocTunables);
  stopAndReap(l);
}

TEST_F(WorkerEnvironmentTest, ExecdWorkerGetsTheMallocTunables) {
  WorkerLauncher l(options(WorkerLaunch::kExec));
  int null = ::open("/dev/null", O_RDWR);
  ASSERT_GE(null, 0);
  auto pid = l.launch(null, null, null, "192.0.2.1:1");
  ::close(null);
  ASSERT_TRUE(pid.has_value());
  ASSERT_GT(*pid, 0);
  EXPECT_EQ("GLIBC_TUNABLES=" + readFifo(), kWorkerMallocTunables);
  killAndReap(*pid);
}

TEST_F(WorkerLauncherTest, ExecModeStartsNoZygoteAndNoTimer) {
  WorkerLauncher l(options(WorkerLaunch::kExec));
  l.prepare();
  EXPECT_EQ(l.zygotePid(), -1);
  EXPECT_FALSE(l.zygoteExited(12345, 0));
  EXPECT_EQ(l.msUntilTick(Clock::now()), -1);
  l.tick(Clock::now() + std::chrono::hours(1));
  EXPECT_EQ(l.zygotePid(), -1);
}

}  // namespace
}  // namespace bulwark::mainproc
