// spawnProcess: the child's environment (main's, with the given assignments
// replacing the same names) and its descriptor mapping. The child is
// /bin/sh printing what it sees to the pipe mapped as its fd 3; the test
// reads that pipe to EOF, which is the child exiting.
#include "privsep/spawn.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace bulwark::privsep {
namespace {

// Runs `script` under /bin/sh with `env_set`; returns what it wrote to fd 3.
std::string runShell(const std::string& script, const std::vector<std::string>& env_set) {
  int p[2];
  if (::pipe(p) != 0) return "pipe failed";
  auto pid = spawnProcess("/bin/sh", {"-c", script}, {{p[1], 3}}, env_set);
  ::close(p[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  if (!pid) return "spawn failed: " + pid.error().message;
  int status = 0;
  ::waitpid(*pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "child failed";
  return out;
}

class SpawnEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("BULWARK_SPAWN_KEPT", "kept", 1);
    ::setenv("BULWARK_SPAWN_REPLACED", "from-main", 1);
  }
  void TearDown() override {
    ::unsetenv("BULWARK_SPAWN_KEPT");
    ::unsetenv("BULWARK_SPAWN_REPLACED");
  }
};

TEST_F(SpawnEnvironment, ChildGetsMainsEnvironmentWithoutAssignments) {
  EXPECT_EQ(runShell(R"(printf '%s|%s' "$BULWARK_SPAWN_KEPT" "$BULWARK_SPAWN_REPLACED" >&3)", {}),
            "kept|from-main");
}

TEST_F(SpawnEnvironment, AssignmentReplacesTheSameNameAndKeepsTheRest) {
  EXPECT_EQ(runShell(R"(printf '%s|%s|%s' "$BULWARK_SPAWN_KEPT" "$BULWARK_SPAWN_REPLACED" )"
                     R"("$BULWARK_SPAWN_NEW" >&3; env | grep -c '^BULWARK_SPAWN_REPLACED=' >&3)",
                     {"BULWARK_SPAWN_REPLACED=from-spawn", "BULWARK_SPAWN_NEW=added"}),
            "kept|from-spawn|added1\n");
}

TEST_F(SpawnEnvironment, ValueMayContainEqualsSigns) {
  EXPECT_EQ(
      runShell(R"(printf '%s' "$BULWARK_SPAWN_REPLACED" >&3)", {"BULWARK_SPAWN_REPLACED=a=b:c=d"}),
      "a=b:c=d");
}

}  // namespace
}  // namespace bulwark::privsep
