#include "proto/anyconnect/cstp.h"

#include <gtest/gtest.h>

#include <cstring>

namespace bulwark::anyconnect {
namespace {

std::vector<std::byte> bytes(std::string_view s) {
  std::vector<std::byte> v(s.size());
  if (!s.empty()) std::memcpy(v.data(), s.data(), s.size());
  return v;
}

TEST(Cstp, DecodesTheLabCapture) {
  // anyconnect.md 4.1: an 84-byte ICMP echo in a DATA frame.
  auto frame = bytes(std::string("STF\x01\x00\x54\x00\x00", 8) + std::string(84, 'E'));
  auto f = decodeFrame(frame, 1400);
  ASSERT_TRUE(f && *f);
  EXPECT_EQ((*f)->type, FrameType::kData);
  EXPECT_EQ((*f)->payload.size(), 84u);
  EXPECT_EQ((*f)->consumed, 92u);
}

TEST(Cstp, RoundTripsEveryType) {
  for (auto t : {FrameType::kData, FrameType::kDpdRequest, FrameType::kDpdResponse,
                 FrameType::kDisconnect, FrameType::kKeepalive, FrameType::kTerminate}) {
    auto payload = bytes("payload");
    auto enc = encodeFrame(t, payload);
    auto f = decodeFrame(enc, 1400);
    ASSERT_TRUE(f && *f);
    EXPECT_EQ((*f)->type, t);
    EXPECT_TRUE(std::equal((*f)->payload.begin(), (*f)->payload.end(), payload.begin(), payload.end()));
  }
}

TEST(Cstp, NeedsMoreUntilTheWholeFrameIsThere) {
  auto enc = encodeFrame(FrameType::kData, bytes("0123456789"));
  for (std::size_t n = 0; n < enc.size(); ++n) {
    auto f = decodeFrame(std::span(enc.data(), n), 1400);
    ASSERT_TRUE(f) << n;
    EXPECT_FALSE(*f) << n;
  }
}

TEST(Cstp, RejectsMalformedHeaders) {
  EXPECT_FALSE(decodeFrame(bytes(std::string("XTF\x01\x00\x00\x00\x00", 8)), 1400));
  EXPECT_FALSE(decodeFrame(bytes(std::string("STF\x02\x00\x00\x00\x00", 8)), 1400));
  EXPECT_FALSE(decodeFrame(bytes(std::string("STF\x01\x00\x00\x00\x01", 8)), 1400));
  EXPECT_FALSE(decodeFrame(bytes(std::string("STF\x01\x00\x00\x42\x00", 8)), 1400));
  // Compression was never negotiated.
  EXPECT_FALSE(decodeFrame(bytes(std::string("STF\x01\x00\x00\x08\x00", 8)), 1400));
}

TEST(Cstp, RejectsOverMtuFromTheHeaderAlone) {
  auto f = decodeFrame(bytes(std::string("STF\x01\x05\x79\x00\x00", 8)), 1400);  // 1401
  EXPECT_FALSE(f);
}

TEST(Cstp, ClientLogoutIsB0) {
  EXPECT_TRUE(isClientLogout(bytes("\xb0" "Aborted by caller")));
  EXPECT_FALSE(isClientLogout(bytes("")));
  EXPECT_FALSE(isClientLogout(bytes("\x01x")));
}

TEST(Cstp, HeaderHasByteSevenZeroAndBigEndianLength) {
  std::byte h[kHeaderSize];
  writeHeader(std::span<std::byte, kHeaderSize>(h, kHeaderSize), FrameType::kDpdResponse, 0x1234);
  EXPECT_EQ(std::memcmp(h, "STF\x01\x12\x34\x04\x00", 8), 0);
}

}  // namespace
}  // namespace bulwark::anyconnect
