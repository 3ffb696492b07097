#include "proto/anyconnect/dtls_hello.h"

#include <gtest/gtest.h>

#include <vector>

namespace bulwark::anyconnect {
namespace {

// A ClientHello as openconnect 9.01 sends it (anyconnect.md 5.2): record
// version fe ff, hello version fe fd, 32-byte session id = App-ID.
std::vector<std::byte> hello(std::size_t sid_len, std::byte fill = std::byte{0x5a}) {
  std::vector<std::byte> d(13 + 12 + 2 + 32 + 1 + sid_len + 10, std::byte{0});
  d[0] = std::byte{22};
  d[1] = std::byte{0xfe};
  d[2] = std::byte{0xff};
  d[13] = std::byte{1};
  d[25] = std::byte{0xfe};
  d[26] = std::byte{0xfd};
  for (std::size_t i = 27; i < 59; ++i) d[i] = std::byte{0x11};  // random
  d[59] = std::byte(sid_len);
  for (std::size_t i = 0; i < sid_len; ++i) d[60 + i] = fill;
  return d;
}

TEST(DtlsHello, ReadsTheSessionIdAtItsFixedOffset) {
  auto d = hello(32);
  auto id = clientHelloSessionId(d);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->size(), 32u);
  EXPECT_EQ(id->data(), d.data() + 60);
}

TEST(DtlsHello, RejectsEverythingElse) {
  EXPECT_FALSE(clientHelloSessionId({}));
  auto short_one = hello(32);
  short_one.resize(59);
  EXPECT_FALSE(clientHelloSessionId(short_one));
  auto truncated = hello(32);
  truncated.resize(60 + 31);
  EXPECT_FALSE(clientHelloSessionId(truncated));
  auto not_handshake = hello(32);
  not_handshake[0] = std::byte{23};
  EXPECT_FALSE(clientHelloSessionId(not_handshake));
  auto bad_version = hello(32);
  bad_version[2] = std::byte{0x03};
  EXPECT_FALSE(clientHelloSessionId(bad_version));
  auto later_epoch = hello(32);
  later_epoch[4] = std::byte{1};
  EXPECT_FALSE(clientHelloSessionId(later_epoch));
  auto not_hello = hello(32);
  not_hello[13] = std::byte{2};
  EXPECT_FALSE(clientHelloSessionId(not_hello));
  EXPECT_FALSE(clientHelloSessionId(hello(0)));
  auto too_long = hello(32);
  too_long[59] = std::byte{33};
  EXPECT_FALSE(clientHelloSessionId(too_long));
  auto zero_random = hello(32);
  for (std::size_t i = 27; i < 59; ++i) zero_random[i] = std::byte{0};
  EXPECT_FALSE(clientHelloSessionId(zero_random));
}

}  // namespace
}  // namespace bulwark::anyconnect
