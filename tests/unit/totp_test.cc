#include <gtest/gtest.h>

#include "auth/base32.h"
#include "auth/totp.h"

namespace bulwark::auth {
namespace {

// RFC 6238 appendix B, SHA-1 seed; the 8-digit codes there end in these 6 digits.
const std::string kRfcSeed = "12345678901234567890";

TEST(Base32, Rfc4648Vectors) {
  EXPECT_EQ(base32Encode(""), "");
  EXPECT_EQ(base32Encode("f"), "MY");
  EXPECT_EQ(base32Encode("fo"), "MZXQ");
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32Decode("MZXW6YTBOI").value(), "foobar");
  EXPECT_EQ(base32Decode("mzxw 6ytb oi======").value(), "foobar");
}

TEST(Base32, RefusesForeignCharacters) {
  auto r = base32Decode("MZXW1");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'1'"), std::string::npos);
  EXPECT_FALSE(base32Decode("MZ:XW"));
}

TEST(Base32, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base32Decode(base32Encode(bytes)).value(), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Totp, Rfc6238Sha1Vectors) {
  EXPECT_EQ(hotp(kRfcSeed, 59 / 30), 287082u);
  EXPECT_EQ(hotp(kRfcSeed, 1111111109 / 30), 81804u);
  EXPECT_EQ(hotp(kRfcSeed, 1111111111 / 30), 50471u);
  EXPECT_EQ(hotp(kRfcSeed, 1234567890 / 30), 5924u);
  EXPECT_EQ(hotp(kRfcSeed, 2000000000 / 30), 279037u);
}

TEST(Totp, MatchesOneStepEitherSide) {
  const std::int64_t t = 1111111109;
  const std::int64_t step = t / 30;
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t, -1), step);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t + 30, -1), step);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t - 30, -1), step);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t + 60, -1), std::nullopt);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t - 60, -1), std::nullopt);
}

TEST(Totp, UsedStepsNeverMatchAgain) {
  const std::int64_t t = 1111111109;
  auto first = matchTotp(kRfcSeed, "081804", t, -1);
  ASSERT_TRUE(first);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t, *first), std::nullopt);
  // An older code is refused too once a later one was used.
  std::string later = std::to_string(hotp(kRfcSeed, *first + 1));
  later.insert(0, 6 - later.size(), '0');
  EXPECT_EQ(matchTotp(kRfcSeed, later, t, *first), *first + 1);
  EXPECT_EQ(matchTotp(kRfcSeed, "081804", t, *first + 1), std::nullopt);
}

TEST(Totp, RefusesMalformedCodes) {
  const std::int64_t t = 1111111109;
  EXPECT_EQ(matchTotp(kRfcSeed, "81804", t, -1), std::nullopt);
  EXPECT_EQ(matchTotp(kRfcSeed, "0818040", t, -1), std::nullopt);
  EXPECT_EQ(matchTotp(kRfcSeed, "08180a", t, -1), std::nullopt);
  EXPECT_EQ(matchTotp(kRfcSeed, " 81804", t, -1), std::nullopt);
  EXPECT_EQ(matchTotp(kRfcSeed, "", t, -1), std::nullopt);
}

TEST(Totp, AnotherUsersSeedDoesNotMatch) {
  EXPECT_EQ(matchTotp("another seed of 20 b", "081804", 1111111109, -1), std::nullopt);
}

}  // namespace
}  // namespace bulwark::auth
