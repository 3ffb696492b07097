// The DTLS record fast path's pure parts: header parsing, the anti-replay
// window, sealing and opening with fixed keys, and the filter that keeps
// OpenSSL's records out of the fast path's sequence numbers and nonces.
#include "tls/dtls_record.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "tls/dtls_record_cipher.h"
#include "tls/replay_window.h"

namespace bulwark::tls {
namespace {

std::uint64_t big64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

TEST(DtlsRecordHeader, WritesAndParsesEveryField) {
  std::array<std::byte, kDtlsHeaderSize> b{};
  DtlsRecordHeader h{23, kDtls12Version, 1, 0x123456789abcULL, 1400};
  writeDtlsRecordHeader(b, h);
  EXPECT_EQ(std::to_integer<int>(b[0]), 23);
  EXPECT_EQ(std::to_integer<int>(b[1]), 0xfe);
  EXPECT_EQ(std::to_integer<int>(b[2]), 0xfd);
  EXPECT_EQ(std::to_integer<int>(b[5]), 0x12);
  EXPECT_EQ(std::to_integer<int>(b[10]), 0xbc);
  auto p = parseDtlsRecordHeader(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, 23);
  EXPECT_EQ(p->version, kDtls12Version);
  EXPECT_EQ(p->epoch, 1);
  EXPECT_EQ(p->sequence, 0x123456789abcULL);
  EXPECT_EQ(p->length, 1400);
  EXPECT_FALSE(parseDtlsRecordHeader(std::span(b).first(12)));
}

TEST(ReplayWindow, EachSequenceNumberOnceAndNothingOlderThanTheWindow) {
  ReplayWindow w;
  EXPECT_TRUE(w.fresh(100));
  w.mark(100);
  EXPECT_FALSE(w.fresh(100));
  EXPECT_TRUE(w.fresh(99));  // out of order, inside the window
  w.mark(99);
  EXPECT_FALSE(w.fresh(99));
  EXPECT_TRUE(w.fresh(37));  // 100 - 63: the window's oldest
  EXPECT_FALSE(w.fresh(36));
  w.mark(1000);  // a jump ahead moves the window
  EXPECT_FALSE(w.fresh(1000));
  EXPECT_FALSE(w.fresh(100));
  EXPECT_TRUE(w.fresh(999));
  w.mark(1001);
  EXPECT_FALSE(w.fresh(1000));
  EXPECT_TRUE(w.fresh(999));
}

struct Pair {
  std::unique_ptr<DtlsRecordCipher> server, client;
};

// Two ends of one flow: each opens what the other seals.
Pair makePair(const LastRecord& last = {1, 4, 1000}) {
  static const std::array<unsigned char, 32> a{1, 2, 3}, b{9, 8, 7};
  static const std::array<unsigned char, 4> sa{0xa, 0xb}, sb{0xc, 0xd};
  auto s = DtlsRecordCipher::fromKeys({a, sa, b, sb}, last);
  auto c = DtlsRecordCipher::fromKeys({b, sb, a, sa}, last);
  EXPECT_TRUE(s && *s && c && *c);
  return {std::move(*s), std::move(*c)};
}

std::vector<std::byte> seal(DtlsRecordCipher& c, std::string_view text) {
  std::vector<std::byte> r(kDtlsRecordOverhead + text.size());
  std::memcpy(r.data() + kDtlsRecordPrefix, text.data(), text.size());
  std::size_t n = c.seal(r, text.size());
  EXPECT_EQ(n, r.size());
  return r;
}

std::string opened(DtlsRecordCipher& c, std::vector<std::byte> r) {
  auto h = parseDtlsRecordHeader(r);
  auto plain = h ? c.open(*h, r) : std::nullopt;
  if (!plain) return "<dropped>";
  return {reinterpret_cast<const char*>(plain->data()), plain->size()};
}

TEST(DtlsRecordCipher, OpensWhatThePeerSealedOnceAndNothingTampered) {
  auto p = makePair();
  auto r1 = seal(*p.server, "first packet");
  auto r2 = seal(*p.server, "second");
  EXPECT_EQ(opened(*p.client, r2), "second");
  EXPECT_EQ(opened(*p.client, r1), "first packet");  // reordered: still inside the window
  EXPECT_EQ(opened(*p.client, r1), "<dropped>");     // replayed
  auto r3 = seal(*p.server, "third");
  for (std::size_t i : {std::size_t{3}, std::size_t{10}, kDtlsHeaderSize + 2, kDtlsRecordPrefix + 1,
                        r3.size() - 1}) {
    auto bad = r3;
    bad[i] ^= std::byte{1};
    EXPECT_EQ(opened(*p.client, bad), "<dropped>") << "flipped byte " << i;
  }
  EXPECT_EQ(opened(*p.client, r3), "third");  // a forgery did not use up its number
  auto shorter = seal(*p.server, "x");
  shorter.pop_back();
  EXPECT_EQ(opened(*p.client, shorter), "<dropped>");
}

TEST(DtlsRecordCipher, SequenceAndNonceGoOnFromOpenSslsAfterTheGap) {
  auto p = makePair({1, 4, 1000});
  EXPECT_EQ(p.server->firstSequence(), 4 + 1 + kHandOverGap);
  EXPECT_EQ(p.server->firstNonce(), 1000 + 1 + kHandOverGap);
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto r = seal(*p.server, "data");
    auto h = parseDtlsRecordHeader(r);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->type, kDtlsApplicationData);
    EXPECT_EQ(h->epoch, 1);
    EXPECT_EQ(h->sequence, p.server->firstSequence() + i);
    EXPECT_EQ(h->length, r.size() - kDtlsHeaderSize);
    EXPECT_EQ(big64(r.data() + kDtlsHeaderSize), p.server->firstNonce() + i);
  }
}

TEST(DtlsRecordCipher, OwnsOnlyApplicationDataOfItsEpoch) {
  auto p = makePair();
  EXPECT_TRUE(p.server->owns({23, kDtls12Version, 1, 5, 40}));
  EXPECT_FALSE(p.server->owns({21, kDtls12Version, 1, 5, 40}));  // alert
  EXPECT_FALSE(p.server->owns({22, kDtls12Version, 1, 5, 40}));  // handshake
  EXPECT_FALSE(p.server->owns({23, kDtls12Version, 0, 5, 40}));
  EXPECT_FALSE(p.server->owns({23, kDtls12Version, 2, 5, 40}));
}

TEST(DtlsRecordCipher, RefusesKeysOfTheWrongSize) {
  std::array<unsigned char, 24> k24{};
  std::array<unsigned char, 32> k32{};
  std::array<unsigned char, 4> s4{};
  std::array<unsigned char, 12> s12{};
  EXPECT_FALSE(DtlsRecordCipher::fromKeys({k24, s4, k24, s4}, {1, 0, 0}));
  EXPECT_FALSE(DtlsRecordCipher::fromKeys({k32, s12, k32, s4}, {1, 0, 0}));
  EXPECT_TRUE(DtlsRecordCipher::fromKeys({k32, s4, k32, s4}, {1, 0, 0}));
}

std::vector<std::byte> record(std::uint16_t epoch, std::uint64_t seq, std::uint64_t nonce,
                              std::uint8_t type = 22) {
  std::vector<std::byte> r(kDtlsHeaderSize + 24);
  writeDtlsRecordHeader(std::span(r).first<kDtlsHeaderSize>(),
                        {type, kDtls12Version, epoch, seq, static_cast<std::uint16_t>(24)});
  for (int i = 0; i < 8; ++i)
    r[kDtlsHeaderSize + i] = static_cast<std::byte>((nonce >> (56 - 8 * i)) & 0xff);
  return r;
}

TEST(DtlsRecordCipher, OpenSslKeepsOnlyOlderEpochsAndTheGap) {
  auto p = makePair({1, 4, 1000});
  std::vector<std::byte> out;
  auto add = [&](const std::vector<std::byte>& r) { out.insert(out.end(), r.begin(), r.end()); };
  add(record(0, 9, 0, 20));                    // change cipher spec: kept
  add(record(1, 4, 1000));                     // its Finished: kept
  add(record(1, 5, 1001));                     // a retransmission in the gap: kept
  add(record(1, 4 + 1 + kHandOverGap, 1001));  // the fast path's first number: dropped
  add(record(1, 6, 1000 + 1 + kHandOverGap));  // the fast path's first nonce: dropped
  add(record(1, 6, 999));                      // a nonce before OpenSSL's last: dropped
  add(record(2, 0, 0));                        // a later epoch: dropped
  std::size_t kept = p.server->keepOpenSslRecords(out);
  ASSERT_EQ(kept, 3 * (kDtlsHeaderSize + 24));
  auto last = lastEncryptedRecord(std::span(out).first(kept));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->epoch, 1);
  EXPECT_EQ(last->sequence, 5u);
  EXPECT_EQ(last->nonce, 1001u);
}

TEST(DtlsRecordCipher, LastEncryptedRecordNeedsWholeRecordsOfALaterEpoch) {
  auto hello = record(0, 3, 0);
  EXPECT_FALSE(lastEncryptedRecord(hello));
  auto fin = record(1, 0, 77);
  std::vector<std::byte> both = hello;
  both.insert(both.end(), fin.begin(), fin.end());
  auto last = lastEncryptedRecord(both);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->sequence, 0u);
  EXPECT_EQ(last->nonce, 77u);
  both.pop_back();
  EXPECT_FALSE(lastEncryptedRecord(both));
}

}  // namespace
}  // namespace bulwark::tls
