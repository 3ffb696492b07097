#include "common/secret_buffer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <type_traits>

namespace bulwark {
namespace {

// threat-model.md #6: no secret type can be formatted into a log line.
static_assert(!fmt::is_formattable<SecretBuffer>::value, "SecretBuffer must not be formattable");
static_assert(!std::is_copy_constructible_v<SecretBuffer>, "secrets are not copied");

TEST(SecretBuffer, TakeWipesTheSourceAndMoveWipesTheOrigin) {
  std::string pw = "hunter2-long-enough-to-be-on-the-heap";
  SecretBuffer a = SecretBuffer::take(pw);
  EXPECT_TRUE(pw.empty());
  EXPECT_EQ(a.view(), "hunter2-long-enough-to-be-on-the-heap");
  SecretBuffer b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_EQ(b.size(), 37u);
  b.wipe();
  EXPECT_TRUE(b.empty());
}

TEST(SecretBuffer, SecureWipeZeroes) {
  char buf[8] = {'s', 'e', 'c', 'r', 'e', 't', '!', '!'};
  secureWipe(buf, sizeof(buf));
  for (char c : buf) EXPECT_EQ(c, 0);
}

}  // namespace
}  // namespace bulwark
