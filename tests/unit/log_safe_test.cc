#include <gtest/gtest.h>

#include "common/log.h"

namespace bulwark {
namespace {

TEST(LogSafe, EscapesControlBytesSoALineCannotBeForged) {
  EXPECT_EQ(logSafe("alice"), "alice");
  EXPECT_EQ(logSafe("a\nINFO login ok user=root"), "a\\x0aINFO login ok user=root");
  EXPECT_EQ(logSafe("\x1b[31m\\"), "\\x1b[31m\\x5c");
  EXPECT_EQ(logSafe("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(LogSafe, CapsLength) {
  std::string s = logSafe(std::string(1000, 'a'));
  EXPECT_EQ(s, std::string(64, 'a') + "...");
}

}  // namespace
}  // namespace bulwark
