// The TUN offload helpers in src/packet: checksums, the virtio-net header,
// the GSO splitter (TUN -> client) and the TCP coalescer (client -> TUN).
// Packets are built here with a byte-by-byte reference checksum, so the code
// under test is never its own oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

#include "packet/ack_thinning.h"
#include "packet/checksum.h"
#include "packet/gso_splitter.h"
#include "packet/ipv4_tcp.h"
#include "packet/tcp_coalescer.h"
#include "packet/vnet_header.h"

namespace bulwark::packet {
namespace {

using Bytes = std::vector<std::byte>;

// ---- reference arithmetic -------------------------------------------------

std::uint64_t naiveSum(std::span<const std::byte> b, std::uint64_t sum = 0) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    auto v = std::to_integer<std::uint64_t>(b[i]);
    sum += (i % 2 == 0) ? v << 8 : v;
  }
  return sum;
}

std::uint16_t naiveFold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

unsigned get8(const Bytes& p, std::size_t at) { return std::to_integer<unsigned>(p[at]); }
unsigned get16(const Bytes& p, std::size_t at) { return get8(p, at) << 8 | get8(p, at + 1); }
std::uint32_t get32(const Bytes& p, std::size_t at) {
  return static_cast<std::uint32_t>(get16(p, at)) << 16 | get16(p, at + 2);
}
void put8(Bytes& p, std::size_t at, unsigned v) { p[at] = static_cast<std::byte>(v & 0xff); }
void put16(Bytes& p, std::size_t at, unsigned v) {
  put8(p, at, v >> 8);
  put8(p, at + 1, v);
}
void put32(Bytes& p, std::size_t at, std::uint32_t v) {
  put16(p, at, v >> 16);
  put16(p, at + 2, v & 0xffff);
}

std::size_t ihl(const Bytes& p) { return (get8(p, 0) & 0x0f) * 4u; }

std::uint64_t pseudoSum(const Bytes& p, unsigned proto) {
  std::span<const std::byte> all(p);
  return naiveSum(all.subspan(12, 8)) + proto + (p.size() - ihl(p));
}

bool ipChecksumValid(const Bytes& p) {
  return naiveFold(naiveSum(std::span<const std::byte>(p).first(ihl(p)))) == 0xffff;
}

bool l4ChecksumValid(const Bytes& p) {
  std::span<const std::byte> all(p);
  return naiveFold(naiveSum(all.subspan(ihl(p)), pseudoSum(p, get8(p, 9)))) == 0xffff;
}

// Writes both checksums of an IPv4 TCP/UDP packet (field offset within L4).
void fixChecksums(Bytes& p, std::size_t l4_field) {
  std::size_t h = ihl(p);
  std::span<const std::byte> all(p);
  put16(p, 10, 0);
  put16(p, 10, static_cast<std::uint16_t>(~naiveFold(naiveSum(all.first(h)))));
  put16(p, h + l4_field, 0);
  put16(p, h + l4_field,
        static_cast<std::uint16_t>(~naiveFold(naiveSum(all.subspan(h), pseudoSum(p, get8(p, 9))))));
}

Bytes fill(std::size_t n, unsigned seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>((seed + i * 31 + i / 7) & 0xff);
  return b;
}

// ---- packet builders -------------------------------------------------------

struct Tcp {
  std::array<std::uint8_t, 4> src{10, 1, 0, 2}, dst{192, 168, 7, 9};
  std::uint16_t sport = 40000, dport = 443;
  std::uint32_t seq = 1000, ack = 77000;
  std::uint16_t id = 100, window = 1024;
  std::uint8_t flags = tcp::kAck, ttl = 64, tos = 0;
  bool df = true;
  Bytes ip_options, tcp_options;  // multiples of 4 bytes
  Bytes payload;
};

Bytes build(const Tcp& t) {
  const std::size_t ih = 20 + t.ip_options.size(), th = 20 + t.tcp_options.size();
  Bytes p(ih + th + t.payload.size());
  put8(p, 0, 0x40 | ih / 4);
  put8(p, 1, t.tos);
  put16(p, 2, p.size());
  put16(p, 4, t.id);
  put16(p, 6, t.df ? 0x4000 : 0);
  put8(p, 8, t.ttl);
  put8(p, 9, 6);
  for (int i = 0; i < 4; ++i) {
    put8(p, 12 + i, t.src[i]);
    put8(p, 16 + i, t.dst[i]);
  }
  std::ranges::copy(t.ip_options, p.begin() + 20);
  put16(p, ih, t.sport);
  put16(p, ih + 2, t.dport);
  put32(p, ih + 4, t.seq);
  put32(p, ih + 8, t.ack);
  put8(p, ih + 12, (th / 4) << 4);
  put8(p, ih + 13, t.flags);
  put16(p, ih + 14, t.window);
  std::ranges::copy(t.tcp_options, p.begin() + ih + 20);
  std::ranges::copy(t.payload, p.begin() + ih + th);
  fixChecksums(p, 16);
  return p;
}

Bytes buildUdp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
  Bytes p(28 + payload.size());
  put8(p, 0, 0x45);
  put16(p, 2, p.size());
  put16(p, 4, 9);
  put16(p, 6, 0x4000);
  put8(p, 8, 64);
  put8(p, 9, 17);
  put32(p, 12, 0x0a010002);
  put32(p, 16, 0xc0a80709);
  put16(p, 20, sport);
  put16(p, 22, dport);
  put16(p, 24, 8 + payload.size());
  std::ranges::copy(payload, p.begin() + 28);
  fixChecksums(p, 6);
  return p;
}

Bytes buildIcmpEcho(std::uint16_t seq) {
  Bytes p(28 + 16);
  put8(p, 0, 0x45);
  put16(p, 2, p.size());
  put16(p, 6, 0x4000);
  put8(p, 8, 64);
  put8(p, 9, 1);
  put32(p, 12, 0x0a010002);
  put32(p, 16, 0xc0a80709);
  put8(p, 20, 8);
  put16(p, 26, seq);
  std::span<const std::byte> all(p);
  put16(p, 10, static_cast<std::uint16_t>(~naiveFold(naiveSum(all.first(20)))));
  put16(p, 22, static_cast<std::uint16_t>(~naiveFold(naiveSum(all.subspan(20)))));
  return p;
}

// Consecutive segments of one flow: seq and IP id advance per segment.
std::vector<Bytes> flow(Tcp t, std::initializer_list<std::size_t> sizes) {
  std::vector<Bytes> out;
  for (auto n : sizes) {
    t.payload = fill(n, t.seq);
    out.push_back(build(t));
    t.seq += static_cast<std::uint32_t>(n);
    ++t.id;
  }
  return out;
}

// ---- offload helpers -------------------------------------------------------

Bytes withVnet(const VnetHeader& h, const Bytes& packet) {
  Bytes b(kVnetHeaderSize + packet.size());
  writeVnetHeader(h, std::span<std::byte, kVnetHeaderSize>(b.data(), kVnetHeaderSize));
  std::ranges::copy(packet, b.begin() + kVnetHeaderSize);
  return b;
}

VnetHeader vnetOf(const Bytes& write) { return parseVnetHeader(write).value(); }
Bytes packetOf(const Bytes& write) { return Bytes(write.begin() + kVnetHeaderSize, write.end()); }

// Every packet the splitter makes of one TUN read; nullopt if load refuses.
std::optional<std::vector<Bytes>> split(Bytes read) {
  GsoSplitter s;
  if (!s.load(read)) return std::nullopt;
  std::vector<Bytes> out;
  Bytes buf(65535);
  while (auto n = s.next(buf)) out.emplace_back(buf.begin(), buf.begin() + n);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(out.size(), s.segments());
  return out;
}

std::vector<Bytes> coalesce(TcpCoalescer& c, const std::vector<Bytes>& in) {
  std::vector<Bytes> writes;
  auto emit = [&](std::span<const std::byte> w) { writes.emplace_back(w.begin(), w.end()); };
  for (const auto& p : in) {
    if (c.add(p)) continue;
    c.flush(emit);
    EXPECT_TRUE(c.add(p));
  }
  c.flush(emit);
  EXPECT_TRUE(c.empty());
  return writes;
}

std::vector<Bytes> coalesce(const std::vector<Bytes>& in) {
  TcpCoalescer c;
  return coalesce(c, in);
}

// What the kernel gets back out of the writes, segment by segment.
std::vector<Bytes> resplit(const std::vector<Bytes>& writes) {
  std::vector<Bytes> out;
  for (const auto& w : writes) {
    auto pkts = split(w);
    EXPECT_TRUE(pkts) << "a write the splitter refuses";
    if (pkts) out.insert(out.end(), pkts->begin(), pkts->end());
  }
  return out;
}

bool isPlain(const Bytes& write) {
  auto h = vnetOf(write);
  return h.flags == 0 && h.gso_type == kGsoNone && h.hdr_len == 0 && h.gso_size == 0 &&
         h.csum_start == 0 && h.csum_offset == 0;
}

// Nothing merged: one plain write per packet, each exactly as it came.
void expectWrittenAsTheyCame(const std::vector<Bytes>& in) {
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_TRUE(isPlain(writes[i])) << i;
    EXPECT_EQ(packetOf(writes[i]), in[i]) << i;
  }
}

// ---- checksum ---------------------------------------------------------------

TEST(PacketChecksum, SumBytesMatchesTheNaiveSum) {
  std::mt19937 rng(1071);
  Bytes buf(256 + 8);
  for (auto& b : buf) b = static_cast<std::byte>(rng());
  const std::uint32_t starts[] = {0, 1, 0xffff, 0x10000, 0x1234567, 0xfffffffe, 0xffffffff};
  for (std::size_t align = 0; align < 8; ++align) {
    for (std::size_t len = 0; len <= 200; ++len) {
      std::span<const std::byte> s(buf.data() + align, len);
      for (auto start : starts) {
        ASSERT_EQ(foldSum(sumBytes(s, start)), naiveFold(naiveSum(s, start)))
            << "align " << align << " len " << len << " start " << start;
      }
    }
  }
}

TEST(PacketChecksum, SumBytesCarriesOnAllOnesAndLongBuffers) {
  for (std::size_t len : {7u, 8u, 9u, 64u, 1501u, 65535u}) {
    Bytes ones(len, std::byte{0xff});
    EXPECT_EQ(foldSum(sumBytes(ones)), naiveFold(naiveSum(ones))) << len;
    EXPECT_EQ(foldSum(sumBytes(ones, 0xffffffff)), naiveFold(naiveSum(ones, 0xffffffff))) << len;
  }
  Bytes zeros(100);
  EXPECT_EQ(sumBytes(zeros), 0u);
  EXPECT_EQ(finishChecksum(sumBytes(zeros)), 0xffff);
}

TEST(PacketChecksum, RangesChainAtEvenOffsets) {
  auto data = fill(333, 5);
  std::span<const std::byte> all(data);
  for (std::size_t cut = 0; cut <= data.size(); cut += 2) {
    EXPECT_EQ(foldSum(sumBytes(all.subspan(cut), sumBytes(all.first(cut)))), foldSum(sumBytes(all)))
        << cut;
  }
}

TEST(PacketChecksum, AHeaderWithItsChecksumFoldsToAllOnes) {
  // A well-known IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199), checksum 0xb861.
  const std::uint8_t raw[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  Bytes hdr(sizeof raw);
  std::memcpy(hdr.data(), raw, sizeof raw);
  EXPECT_EQ(foldSum(sumBytes(hdr)), 0xffff);
  EXPECT_EQ(finishChecksum(sumBytes(hdr)), 0);
  put16(hdr, 10, 0);
  EXPECT_EQ(finishChecksum(sumBytes(hdr)), 0xb861);
  fillIpChecksum(hdr, 20);
  EXPECT_EQ(get16(hdr, 10), 0xb861u);
  put8(hdr, 8, 0x3f);  // TTL changed: the old checksum no longer holds
  EXPECT_NE(foldSum(sumBytes(hdr)), 0xffff);
}

TEST(PacketChecksum, PseudoHeaderAndTcpSum) {
  Tcp t;
  t.payload = fill(101, 3);
  auto p = build(t);
  EXPECT_EQ(foldSum(pseudoHeaderSum(std::span(p).subspan<12, 4>(), std::span(p).subspan<16, 4>(), 6,
                                    static_cast<std::uint16_t>(p.size() - 20))),
            naiveFold(pseudoSum(p, 6)));
  EXPECT_EQ(foldSum(tcpSum(p, 20)), 0xffff);
  put8(p, p.size() - 1, get8(p, p.size() - 1) ^ 1);
  EXPECT_NE(foldSum(tcpSum(p, 20)), 0xffff);
}

TEST(PacketChecksum, LoadsAndStoresAreBigEndian) {
  Bytes b(6);
  store16(b.data(), 0x1234);
  store32(b.data() + 2, 0xa1b2c3d4);
  EXPECT_EQ(get8(b, 0), 0x12u);
  EXPECT_EQ(get8(b, 1), 0x34u);
  EXPECT_EQ(get8(b, 2), 0xa1u);
  EXPECT_EQ(get8(b, 5), 0xd4u);
  EXPECT_EQ(load16(b.data()), 0x1234);
  EXPECT_EQ(load32(b.data() + 2), 0xa1b2c3d4u);
}

// ---- virtio-net header -------------------------------------------------------

TEST(PacketVnet, RoundTrips) {
  VnetHeader h{kVnetNeedsCsum, kGsoTcpV4 | kGsoEcn, 0x1234, 1448, 0x0102, 0x00ff};
  std::array<std::byte, kVnetHeaderSize> raw{};
  writeVnetHeader(h, raw);
  auto back = parseVnetHeader(raw);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->flags, h.flags);
  EXPECT_EQ(back->gso_type, h.gso_type);
  EXPECT_EQ(back->hdr_len, h.hdr_len);
  EXPECT_EQ(back->gso_size, h.gso_size);
  EXPECT_EQ(back->csum_start, h.csum_start);
  EXPECT_EQ(back->csum_offset, h.csum_offset);
  if constexpr (std::endian::native == std::endian::little) {  // the kernel's host order
    Bytes b(raw.begin(), raw.end());
    EXPECT_EQ(get8(b, 0), 1u);
    EXPECT_EQ(get8(b, 1), 0x81u);
    EXPECT_EQ(get16(b, 2), 0x3412u);
    EXPECT_EQ(get16(b, 4), 0xa805u);  // 1448 = 0x05a8
  }
}

TEST(PacketVnet, ShortHeadersFail) {
  Bytes b(kVnetHeaderSize);
  EXPECT_TRUE(parseVnetHeader(b));
  for (std::size_t n = 0; n < kVnetHeaderSize; ++n)
    EXPECT_FALSE(parseVnetHeader(std::span(b).first(n))) << n;
}

// ---- GSO splitter ---------------------------------------------------------

TEST(GsoSplitter, APlainPacketPassesUnchanged) {
  Tcp t;
  t.payload = fill(500, 1);
  auto p = build(t);
  auto out = split(withVnet({}, p));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0], p);
  // Not even IP: a plain read is not looked at.
  Bytes junk{std::byte{0x60}, std::byte{1}, std::byte{2}};
  out = split(withVnet({}, junk));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0], junk);
}

TEST(GsoSplitter, FillsInANeededTcpChecksum) {
  Tcp t;
  t.payload = fill(777, 2);
  auto want = build(t);
  auto partial = want;  // what the kernel hands over: the pseudo-header sum in the field
  put16(partial, 36, naiveFold(pseudoSum(partial, 6)));
  ASSERT_NE(partial, want);
  VnetHeader h;
  h.flags = kVnetNeedsCsum;
  h.csum_start = 20;
  h.csum_offset = 16;
  auto out = split(withVnet(h, partial));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0], want);
}

TEST(GsoSplitter, FillsInANeededUdpChecksum) {
  for (std::size_t n : {0u, 1u, 2u, 101u, 1200u}) {
    auto want = buildUdp(5353, 53, fill(n, 9));
    auto partial = want;
    put16(partial, 26, naiveFold(pseudoSum(partial, 17)));
    VnetHeader h;
    h.flags = kVnetNeedsCsum;
    h.csum_start = 20;
    h.csum_offset = 6;
    auto out = split(withVnet(h, partial));
    ASSERT_TRUE(out) << n;
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ((*out)[0], want) << n;
    EXPECT_TRUE(l4ChecksumValid((*out)[0]));
  }
}

TEST(GsoSplitter, AUdpChecksumThatComputesToZeroIsSentAsAllOnes) {
  // RFC 768: 0 means "no checksum", so a computed 0 goes out as 0xffff (the
  // kernel's skb_checksum_help does the same for every protocol).
  auto p = buildUdp(5353, 53, fill(100, 4));
  put16(p, 28 + 98, 0);
  fixChecksums(p, 6);
  put16(p, 28 + 98, get16(p, 26));  // the last payload word cancels the sum
  fixChecksums(p, 6);
  ASSERT_EQ(get16(p, 26), 0u);
  auto partial = p;
  put16(partial, 26, naiveFold(pseudoSum(partial, 17)));
  VnetHeader h;
  h.flags = kVnetNeedsCsum;
  h.csum_start = 20;
  h.csum_offset = 6;
  auto out = split(withVnet(h, partial));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(get16((*out)[0], 26), 0xffffu);
  EXPECT_TRUE(l4ChecksumValid((*out)[0]));
}

// A super-packet the way TCP hands it to a TSO device: one header, the IP
// length of the whole, the TCP checksum field as the kernel leaves it.
Bytes superPacket(const Tcp& t) {
  auto p = build(t);
  put16(p, ihl(p) + 16, naiveFold(pseudoSum(p, 6)));
  return p;
}

TEST(GsoSplitter, CutsASuperPacketLikeTso) {
  Tcp t;
  t.seq = 0xfffff000;  // wraps inside the run
  t.id = 0xfffe;       // so does the IP id
  t.flags = tcp::kAck | tcp::kPsh | tcp::kFin | tcp::kCwr;
  t.tcp_options = fill(12, 0x55);
  const std::size_t mss = 1388;
  t.payload = fill(mss * 3 + mss / 2, 7);
  VnetHeader h;
  h.flags = kVnetNeedsCsum;
  h.gso_type = kGsoTcpV4;
  h.hdr_len = 52;
  h.gso_size = mss;
  h.csum_start = 20;
  h.csum_offset = 16;
  auto out = split(withVnet(h, superPacket(t)));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 4u);
  for (std::size_t i = 0; i < out->size(); ++i) {
    SCOPED_TRACE(i);
    const Bytes& seg = (*out)[i];
    std::size_t chunk = i < 3 ? mss : mss / 2;
    ASSERT_EQ(seg.size(), 52 + chunk);
    EXPECT_EQ(get16(seg, 2), seg.size());
    EXPECT_EQ(get16(seg, 4), (0xfffeu + i) & 0xffff);
    EXPECT_EQ(get32(seg, 24), static_cast<std::uint32_t>(0xfffff000u + i * mss));
    unsigned flags = get8(seg, 33);
    EXPECT_EQ((flags & tcp::kFin) != 0, i == 3);
    EXPECT_EQ((flags & tcp::kPsh) != 0, i == 3);
    EXPECT_EQ((flags & tcp::kCwr) != 0, i == 0);
    EXPECT_NE(flags & tcp::kAck, 0u);
    EXPECT_TRUE(ipChecksumValid(seg));
    EXPECT_TRUE(l4ChecksumValid(seg));
    // Exactly the segment TCP would have sent on its own.
    Tcp one = t;
    one.seq = static_cast<std::uint32_t>(t.seq + i * mss);
    one.id = static_cast<std::uint16_t>(t.id + i);
    one.flags = static_cast<std::uint8_t>(flags);
    one.payload.assign(t.payload.begin() + i * mss, t.payload.begin() + i * mss + chunk);
    EXPECT_EQ(seg, build(one));
  }
}

TEST(GsoSplitter, KeepsIpOptionsAndAcceptsEcn) {
  Tcp t;
  t.ip_options = {std::byte{1}, std::byte{1}, std::byte{1}, std::byte{0}};  // NOPs + EOL
  t.payload = fill(300, 8);
  VnetHeader h;
  h.gso_type = kGsoTcpV4 | kGsoEcn;
  h.gso_size = 100;
  auto out = split(withVnet(h, superPacket(t)));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 3u);
  for (const auto& seg : *out) {
    EXPECT_EQ(ihl(seg), 24u);
    EXPECT_EQ(seg.size(), 24u + 20 + 100);
    EXPECT_TRUE(ipChecksumValid(seg));
    EXPECT_TRUE(l4ChecksumValid(seg));
  }
}

TEST(GsoSplitter, AGsoSizeAtLeastThePayloadGivesOneSegment) {
  Tcp t;
  t.payload = fill(200, 8);
  VnetHeader h;
  h.gso_type = kGsoTcpV4;
  h.gso_size = 200;
  auto out = split(withVnet(h, superPacket(t)));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0], build(t));
}

TEST(GsoSplitter, RejectsWhatWasNotAskedFor) {
  Tcp t;
  t.payload = fill(3000, 1);
  const auto sp = superPacket(t);
  VnetHeader gso;
  gso.gso_type = kGsoTcpV4;
  gso.gso_size = 1000;
  ASSERT_TRUE(split(withVnet(gso, sp)));

  for (std::uint8_t type : {3, 4, 5, 0x83, 0x84}) {  // UDP, TCPV6, UDP_L4, with ECN
    auto h = gso;
    h.gso_type = type;
    EXPECT_FALSE(split(withVnet(h, sp))) << int{type};
  }
  auto h = gso;
  h.gso_size = 0;
  EXPECT_FALSE(split(withVnet(h, sp)));
  h.gso_size = 0xffff - 39;  // one segment would be 65536 bytes
  EXPECT_FALSE(split(withVnet(h, sp)));
  h.gso_size = 0xffff - 40;
  EXPECT_TRUE(split(withVnet(h, sp)));

  auto v6 = sp;
  put8(v6, 0, 0x65);
  EXPECT_FALSE(split(withVnet(gso, v6)));
  auto udp = buildUdp(1, 2, fill(3000, 1));
  EXPECT_FALSE(split(withVnet(gso, udp)));
  auto short_ihl = sp;
  put8(short_ihl, 0, 0x44);
  EXPECT_FALSE(split(withVnet(gso, short_ihl)));
  auto short_doff = sp;
  put8(short_doff, 32, 0x40);
  EXPECT_FALSE(split(withVnet(gso, short_doff)));
  for (std::size_t n : {0u, 1u, 19u, 20u, 39u, 40u}) {  // truncated headers, or no payload
    EXPECT_FALSE(split(withVnet(gso, Bytes(sp.begin(), sp.begin() + n)))) << n;
  }
  auto with_options = t;
  with_options.tcp_options = fill(20, 1);
  auto opt = superPacket(with_options);
  put8(opt, 32, 0xf0);  // data offset 60: the options run past the bytes given
  EXPECT_FALSE(split(withVnet(gso, Bytes(opt.begin(), opt.begin() + 70))));

  EXPECT_FALSE(split(Bytes(9)));
  EXPECT_FALSE(split(withVnet({}, {})));  // a header and nothing else
}

TEST(GsoSplitter, RejectsAChecksumRequestOutOfRange) {
  auto p = buildUdp(1, 2, fill(10, 1));  // 38 bytes
  VnetHeader h;
  h.flags = kVnetNeedsCsum;
  auto load = [&](std::uint16_t start, std::uint16_t offset) {
    h.csum_start = start;
    h.csum_offset = offset;
    auto read = withVnet(h, p);
    return GsoSplitter().load(read);
  };
  EXPECT_TRUE(load(20, 6));
  EXPECT_TRUE(load(20, 16));  // the last two bytes
  EXPECT_FALSE(load(20, 17));
  EXPECT_FALSE(load(20, 18));
  EXPECT_FALSE(load(20, 7));  // odd
  EXPECT_FALSE(load(38, 0));  // starts at the end
  EXPECT_FALSE(load(0xffff, 0xffff));
  EXPECT_TRUE(load(36, 0));
  EXPECT_FALSE(load(37, 0));
}

TEST(GsoSplitter, AnOutBufferTooSmallDropsTheRest) {
  Tcp t;
  t.payload = fill(1000, 1);
  auto plain = withVnet({}, build(t));
  GsoSplitter s;
  ASSERT_TRUE(s.load(plain));
  Bytes small(1039), big(65535);
  EXPECT_FALSE(s.done());
  EXPECT_EQ(s.next(small), 0u);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.next(big), 0u);

  VnetHeader h;
  h.gso_type = kGsoTcpV4;
  h.gso_size = 250;
  auto read = withVnet(h, superPacket(t));
  ASSERT_TRUE(s.load(read));
  EXPECT_EQ(s.segments(), 4u);
  EXPECT_EQ(s.next(big), 290u);
  EXPECT_EQ(s.next(std::span(big).first(290)), 290u);  // exactly fits
  EXPECT_FALSE(s.done());
  EXPECT_EQ(s.next(std::span(big).first(289)), 0u);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.next(big), 0u);
}

// ---- TCP coalescer ----------------------------------------------------------

TEST(TcpCoalescer, EqualSegmentsLeaveAsOneGsoPacket) {
  Tcp t;
  t.tcp_options = fill(12, 0x33);
  auto in = flow(t, {1000, 1000, 1000, 1000});
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), 1u);
  auto h = vnetOf(writes[0]);
  EXPECT_EQ(h.flags, kVnetNeedsCsum);
  EXPECT_EQ(h.gso_type, kGsoTcpV4);
  EXPECT_EQ(h.hdr_len, 52);
  EXPECT_EQ(h.gso_size, 1000);
  EXPECT_EQ(h.csum_start, 20);
  EXPECT_EQ(h.csum_offset, 16);
  auto p = packetOf(writes[0]);
  ASSERT_EQ(p.size(), 52u + 4000);
  EXPECT_EQ(get16(p, 2), p.size());
  EXPECT_EQ(get16(p, 4), 100u);
  EXPECT_EQ(get32(p, 24), 1000u);
  EXPECT_EQ(get8(p, 33), tcp::kAck);
  EXPECT_TRUE(ipChecksumValid(p));
  EXPECT_EQ(get16(p, 36), naiveFold(pseudoSum(p, 6)));  // not complemented
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(std::equal(in[i].begin() + 52, in[i].end(), p.begin() + 52 + i * 1000)) << i;
  }
  // The kernel's CHECKSUM_PARTIAL completion gives a valid checksum for the whole.
  auto done = p;
  put16(done, 36, 0);
  put16(
      done, 36,
      static_cast<std::uint16_t>(~naiveFold(naiveSum(std::span<const std::byte>(p).subspan(20)))));
  EXPECT_TRUE(l4ChecksumValid(done));

  EXPECT_EQ(resplit(writes), in);
}

TEST(TcpCoalescer, AShorterSegmentJoinsAndEndsTheRun) {
  Tcp t;
  auto in = flow(t, {1000, 1000, 500, 1000, 1000});
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(vnetOf(writes[0]).gso_size, 1000);
  EXPECT_EQ(packetOf(writes[0]).size(), 40u + 2500);
  EXPECT_EQ(vnetOf(writes[1]).gso_type, kGsoTcpV4);  // the next two start a new run
  EXPECT_EQ(packetOf(writes[1]).size(), 40u + 2000);
  EXPECT_EQ(resplit(writes), in);
}

TEST(TcpCoalescer, ALargerSegmentStartsANewRun) {
  Tcp t;
  expectWrittenAsTheyCame(flow(t, {500, 1000}));
}

TEST(TcpCoalescer, PshJoinsAndEndsTheRun) {
  Tcp t;
  auto in = flow(t, {900, 900, 900, 900});
  in[2] = [&] {
    Tcp p = t;
    p.seq += 1800;
    p.id += 2;
    p.flags |= tcp::kPsh;
    p.payload = fill(900, p.seq);
    return build(p);
  }();
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), 2u);
  auto p = packetOf(writes[0]);
  EXPECT_EQ(p.size(), 40u + 2700);
  EXPECT_EQ(get8(p, 33), tcp::kAck | tcp::kPsh);
  EXPECT_TRUE(isPlain(writes[1]));
  EXPECT_EQ(resplit(writes), in);  // PSH back on the third segment only
}

TEST(TcpCoalescer, APshSegmentDoesNotStartARun) {
  Tcp t;
  t.flags |= tcp::kPsh;
  expectWrittenAsTheyCame(flow(t, {900, 900}));
}

TEST(TcpCoalescer, SegmentsThatWouldNotComeBackTheSameAreNotMerged) {
  Tcp t;
  t.tcp_options = fill(12, 0x21);
  const auto good = flow(t, {800, 800});
  Tcp next = t;
  next.seq += 800;
  next.id += 1;
  next.payload = fill(800, next.seq);
  ASSERT_EQ(build(next), good[1]);
  ASSERT_EQ(coalesce(good).size(), 1u);

  struct Case {
    const char* name;
    Bytes second;
  };
  auto with = [&](auto change) {
    Tcp n = next;
    change(n);
    return build(n);
  };
  auto corrupt = [&](std::size_t at) {
    Bytes b = good[1];
    put8(b, at, get8(b, at) ^ 0x10);
    return b;
  };
  std::vector<Case> cases{
      {"bad tcp checksum", corrupt(good[1].size() - 3)},
      {"bad ip checksum", corrupt(10)},
      {"seq gap", with([](Tcp& n) { n.seq += 1; })},
      {"seq repeat", with([](Tcp& n) { n.seq -= 800; })},
      {"ip id", with([](Tcp& n) { n.id += 1; })},
      {"ip id same", with([](Tcp& n) { n.id -= 1; })},
      {"source port", with([](Tcp& n) { n.sport += 1; })},
      {"destination port", with([](Tcp& n) { n.dport += 1; })},
      {"source address", with([](Tcp& n) { n.src[3] += 1; })},
      {"destination address", with([](Tcp& n) { n.dst[0] += 1; })},
      {"ack", with([](Tcp& n) { n.ack += 1; })},
      {"window", with([](Tcp& n) { n.window += 1; })},
      {"ttl", with([](Tcp& n) { n.ttl -= 1; })},
      {"tos", with([](Tcp& n) { n.tos = 1; })},
      {"no DF", with([](Tcp& n) { n.df = false; })},
      {"SYN", with([](Tcp& n) { n.flags |= tcp::kSyn; })},
      {"FIN", with([](Tcp& n) { n.flags |= tcp::kFin; })},
      {"RST", with([](Tcp& n) { n.flags |= tcp::kRst; })},
      {"URG", with([](Tcp& n) { n.flags |= tcp::kUrg; })},
      {"ECE", with([](Tcp& n) { n.flags |= tcp::kEce; })},
      {"CWR", with([](Tcp& n) { n.flags |= tcp::kCwr; })},
      {"no ACK", with([](Tcp& n) { n.flags = tcp::kPsh; })},
      {"different options", with([](Tcp& n) { n.tcp_options = fill(12, 0x22); })},
      {"longer options", with([](Tcp& n) { n.tcp_options = fill(16, 0x21); })},
      {"no options", with([](Tcp& n) { n.tcp_options.clear(); })},
      {"ip options", with([](Tcp& n) { n.ip_options = Bytes(4, std::byte{1}); })},
      {"zero payload", with([](Tcp& n) { n.payload.clear(); })},
      {"larger payload", with([](Tcp& n) { n.payload = fill(801, 0); })},
  };
  auto padded = good[1];  // IP total length shorter than what arrived
  padded.push_back(std::byte{0});
  cases.push_back({"trailing padding", padded});
  auto fragment = with([](Tcp& n) { n.df = false; });
  put16(fragment, 6, 0x2000);
  fixChecksums(fragment, 16);
  cases.push_back({"more fragments", fragment});

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.second, good[1]);
    expectWrittenAsTheyCame({good[0], c.second});
  }
}

TEST(TcpCoalescer, NonCanonicalChecksumsAreNotMerged) {
  // 0xffff and 0x0000 both verify when the data sums to all ones, but the
  // splitter (like the kernel) writes 0x0000; merging would change the bytes.
  Tcp t;
  auto in = flow(t, {600, 600});
  {
    Tcp n = t;
    n.seq += 600;
    n.id += 1;
    n.payload = fill(600, n.seq);
    put16(n.payload, 598, 0);
    auto probe = build(n);
    put16(n.payload, 598, get16(probe, 36));  // cancels the sum: checksum 0
    auto second = build(n);
    ASSERT_EQ(get16(second, 36), 0u);
    put16(second, 36, 0xffff);
    ASSERT_TRUE(l4ChecksumValid(second));
    in[1] = second;
  }
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(resplit(writes), in);

  // The same for the IP header: pick the source address so that the second
  // segment's header checksum is 0, then send it as 0xffff.
  Tcp u;
  u.src = {10, 1, 0, 0};
  u.id = 201;
  u.payload = fill(600, 1);
  auto probe = build(u);
  u.src[2] = static_cast<std::uint8_t>(get16(probe, 10) >> 8);
  u.src[3] = static_cast<std::uint8_t>(get16(probe, 10));
  u.id = 200;
  auto ip_in = flow(u, {600, 600});
  ASSERT_EQ(get16(ip_in[1], 10), 0u);
  put16(ip_in[1], 10, 0xffff);
  ASSERT_TRUE(ipChecksumValid(ip_in[1]));
  writes = coalesce(ip_in);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(resplit(writes), ip_in);
}

TEST(TcpCoalescer, OtherPacketsPassUnchangedAndInOrder) {
  Tcp t;
  auto a = flow(t, {700, 700, 700, 700});
  auto udp = buildUdp(4500, 4500, fill(300, 2));
  auto icmp = buildIcmpEcho(7);
  Bytes tiny{std::byte{0x45}};
  std::vector<Bytes> in{a[0], a[1], udp, a[2], a[3], icmp, tiny};
  auto writes = coalesce(in);
  ASSERT_EQ(writes.size(), 5u);
  EXPECT_EQ(vnetOf(writes[0]).gso_type, kGsoTcpV4);
  EXPECT_TRUE(isPlain(writes[1]));
  EXPECT_EQ(packetOf(writes[1]), udp);
  EXPECT_EQ(vnetOf(writes[2]).gso_type, kGsoTcpV4);
  EXPECT_EQ(packetOf(writes[3]), icmp);
  EXPECT_EQ(packetOf(writes[4]), tiny);
  EXPECT_EQ(resplit(writes), in);
}

TEST(TcpCoalescer, InterleavedFlowsKeepTheirOrder) {
  Tcp ta, tb;
  tb.sport = 40001;
  tb.seq = 5;
  auto a = flow(ta, {500, 500, 500, 500});
  auto b = flow(tb, {500, 500, 500, 500});
  std::vector<Bytes> alternate{a[0], b[0], a[1], b[1]};
  auto writes = coalesce(alternate);
  ASSERT_EQ(writes.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(isPlain(writes[i]));
    EXPECT_EQ(packetOf(writes[i]), alternate[i]);
  }
  std::vector<Bytes> bursts{a[0], a[1], b[0], b[1], a[2], a[3], b[2], b[3]};
  writes = coalesce(bursts);
  ASSERT_EQ(writes.size(), 4u);
  for (const auto& w : writes) EXPECT_EQ(vnetOf(w).gso_type, kGsoTcpV4);
  EXPECT_EQ(resplit(writes), bursts);
}

TEST(TcpCoalescer, AFullArenaRefusesUntilFlushed) {
  TcpCoalescer c;
  Tcp t;
  t.flags |= tcp::kPsh;  // nothing merges: every packet takes header + vnet header
  std::vector<Bytes> in;
  std::size_t used = 0;
  for (int i = 0;; ++i) {
    t.payload = fill(1400, i);
    auto p = build(t);
    if (!c.add(p)) {
      EXPECT_GT(used + kVnetHeaderSize + p.size(), TcpCoalescer::kArenaBytes);
      EXPECT_FALSE(c.add(p));
      std::vector<Bytes> writes;
      c.flush([&](std::span<const std::byte> w) { writes.emplace_back(w.begin(), w.end()); });
      EXPECT_TRUE(c.empty());
      EXPECT_EQ(resplit(writes), in);
      EXPECT_TRUE(c.add(p));
      break;
    }
    in.push_back(p);
    used += kVnetHeaderSize + p.size();
    ASSERT_LE(used, TcpCoalescer::kArenaBytes);
  }
  EXPECT_EQ(in.size(), TcpCoalescer::kArenaBytes / (kVnetHeaderSize + 1440));
  EXPECT_FALSE(c.empty());

  // Also while a run is growing: the segment that does not fit is refused.
  TcpCoalescer d;
  Tcp big;
  big.payload = fill(60000, 1);
  big.flags |= tcp::kPsh;
  ASSERT_TRUE(d.add(build(big)));
  ASSERT_TRUE(d.add(build(big)));
  Tcp r;
  r.sport = 1;
  r.payload = fill(1000, 1);
  std::size_t accepted = 0;
  while (d.add(build(r))) {
    r.seq += 1000;
    ++r.id;
    ++accepted;
  }
  EXPECT_EQ(accepted, (TcpCoalescer::kArenaBytes - 2 * 60050 - 1050) / 1000 + 1);
}

TEST(TcpCoalescer, ATooLargePacketNeverFits) {
  TcpCoalescer c;
  EXPECT_FALSE(c.add(Bytes(65536)));
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.add(Bytes(65535)));
}

TEST(TcpCoalescer, AnEmptyPacketLeavesAsABareHeader) {
  TcpCoalescer c;
  Tcp t;
  auto a = flow(t, {300, 300});
  ASSERT_TRUE(c.add(a[0]));
  ASSERT_TRUE(c.add(std::span<const std::byte>{}));  // no data pointer at all
  ASSERT_TRUE(c.add(a[1]));
  std::vector<Bytes> writes;
  c.flush([&](std::span<const std::byte> w) { writes.emplace_back(w.begin(), w.end()); });
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[1].size(), kVnetHeaderSize);
  EXPECT_TRUE(isPlain(writes[1]));
  EXPECT_EQ(packetOf(writes[0]), a[0]);
  EXPECT_EQ(packetOf(writes[2]), a[1]);
}

TEST(TcpCoalescer, RunsStayWithinTheKernelLimits) {
  Tcp t;
  std::vector<Bytes> small;
  for (int i = 0; i < 150; ++i) {
    t.payload = fill(100, i);
    small.push_back(build(t));
    t.seq += 100;
    ++t.id;
  }
  auto writes = coalesce(small);
  ASSERT_EQ(writes.size(), 3u);  // 64 + 64 + 22
  for (const auto& w : writes) {
    auto h = vnetOf(w);
    EXPECT_EQ((packetOf(w).size() - 40 + h.gso_size - 1) / h.gso_size, w == writes[2] ? 22u : 64u);
  }
  EXPECT_EQ(resplit(writes), small);

  std::vector<Bytes> big;
  for (int i = 0; i < 60; ++i) {
    t.payload = fill(1460, i);
    big.push_back(build(t));
    t.seq += 1460;
    ++t.id;
  }
  writes = coalesce(big);
  ASSERT_EQ(writes.size(), 2u);  // 44 * 1460 + 40 fits in 65535, 45 would not
  EXPECT_EQ(packetOf(writes[0]).size(), 40u + 44 * 1460);
  for (const auto& w : writes) EXPECT_LE(packetOf(w).size(), 65535u);
  EXPECT_EQ(resplit(writes), big);
}

// The property the coalescer promises: whatever it merges, the kernel's
// segmentation gives back exactly the packets that went in, in order.
TEST(TcpCoalescer, WhatGoesInComesBackOutOfTheSplitter) {
  std::mt19937 rng(20240601);
  auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  std::size_t merged_writes = 0, total_in = 0;
  for (int trial = 0; trial < 300; ++trial) {
    SCOPED_TRACE(trial);
    std::vector<Tcp> flows(1 + pick(4));
    for (std::size_t f = 0; f < flows.size(); ++f) {
      flows[f].sport = static_cast<std::uint16_t>(30000 + f);
      flows[f].seq = static_cast<std::uint32_t>(rng());
      flows[f].id = static_cast<std::uint16_t>(rng());
      if (pick(3) == 0) flows[f].tcp_options = fill(12, f);
    }
    std::vector<std::size_t> mss(flows.size());
    for (auto& m : mss) m = pick(3) == 0 ? 1 + pick(64) : 500 + pick(1000);

    TcpCoalescer c;
    std::vector<Bytes> in, writes;
    auto emit = [&](std::span<const std::byte> w) { writes.emplace_back(w.begin(), w.end()); };
    const unsigned events = 1 + pick(300);
    std::size_t f = 0;
    for (unsigned e = 0; e < events; ++e) {
      if (pick(4) == 0) f = pick(flows.size());  // mostly bursts of one flow
      Tcp& t = flows[f];
      t.flags = tcp::kAck;
      std::size_t n = mss[f];
      switch (pick(20)) {
        case 0:
          n = pick(mss[f]) + 1;
          break;  // short
        case 1:
          t.flags |= tcp::kPsh;
          break;
        case 2:
          n = 0;
          break;  // a pure ACK
        case 3:
          t.seq += 1;
          break;  // a gap
        case 4:
          t.flags |= tcp::kFin;
          break;
        default:
          break;
      }
      t.payload = fill(n, static_cast<unsigned>(rng()));
      Bytes p = pick(40) == 0 ? buildUdp(53, 53, fill(pick(100), e)) : build(t);
      if (pick(50) == 0) put8(p, p.size() - 1, get8(p, p.size() - 1) ^ 0xff);  // corrupt
      t.seq += static_cast<std::uint32_t>(n);
      ++t.id;
      in.push_back(p);
      if (!c.add(p)) {
        c.flush(emit);
        ASSERT_TRUE(c.add(p));
      }
      if (pick(60) == 0) c.flush(emit);  // the end of a wake-up
    }
    c.flush(emit);
    for (const auto& w : writes) {
      auto h = vnetOf(w);
      if (h.gso_type == kGsoNone) {
        EXPECT_TRUE(isPlain(w));
        continue;
      }
      ++merged_writes;
      auto p = packetOf(w);
      EXPECT_LE(p.size(), 65535u);
      EXPECT_LE((p.size() - h.hdr_len + h.gso_size - 1) / h.gso_size, TcpCoalescer::kMaxSegments);
      EXPECT_GT(p.size() - h.hdr_len, h.gso_size);  // at least two segments
    }
    total_in += in.size();
    auto out = resplit(writes);
    ASSERT_EQ(out.size(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) ASSERT_EQ(out[i], in[i]) << "packet " << i;
  }
  EXPECT_GT(merged_writes, 300u);  // the property was exercised on real merges
  EXPECT_GT(total_in, 10000u);
}

// ---- ACK thinning -----------------------------------------------------------

namespace thinning {

// Timestamps as Linux sends them on every segment: NOP, NOP, kind 8, len 10.
Bytes timestamps(std::uint32_t tsval, std::uint32_t tsecr) {
  Bytes o{std::byte{1}, std::byte{1}, std::byte{8}, std::byte{10}};
  o.resize(12);
  put32(o, 4, tsval);
  put32(o, 8, tsecr);
  return o;
}

// A pure ACK of the download flow that acks `ack`, sent `n`th.
Bytes ack(std::uint32_t ack, unsigned n, std::uint16_t window = 1024) {
  Tcp t;
  t.ack = ack;
  t.id = static_cast<std::uint16_t>(200 + n);
  t.window = window;
  t.tcp_options = timestamps(5000 + n, 9000 + n);
  return build(t);
}

std::vector<Bytes> thinned(const std::vector<Bytes>& in, std::uint64_t* count = nullptr) {
  TcpCoalescer c;
  c.thinAcks(true);
  auto writes = coalesce(c, in);
  if (count) *count = c.acksThinned();
  std::vector<Bytes> packets;
  for (const auto& w : writes) {
    EXPECT_TRUE(isPlain(w));
    packets.push_back(packetOf(w));
  }
  return packets;
}

}  // namespace thinning

TEST(AckThinning, ALaterCumulativeAckSupersedesTheOneBefore) {
  using namespace thinning;
  auto a = ack(77000, 0), b = ack(79896, 1, 2048);
  EXPECT_TRUE(supersedesAck(a, b));
  EXPECT_FALSE(supersedesAck(b, a));  // never backwards
  EXPECT_FALSE(supersedesAck(a, a));  // a duplicate ACK is never dropped
  // Without timestamps too; the window may grow or shrink.
  Tcp t;
  auto plain = build(t);
  t.ack += 1;
  t.window = 10;
  EXPECT_TRUE(supersedesAck(plain, build(t)));
  // Across the sequence-number wrap.
  EXPECT_TRUE(supersedesAck(ack(0xfffff000u, 0), ack(0x10, 1)));
  EXPECT_FALSE(supersedesAck(ack(0x10, 0), ack(0x90000010u, 1)));
}

TEST(AckThinning, OnlyPlainAcksOfTheSameFlowQualify) {
  using namespace thinning;
  auto a = ack(77000, 0);
  auto variant = [&](auto change) {
    Tcp t;
    t.ack = 78000;
    t.id = 201;
    t.tcp_options = timestamps(5001, 9001);
    change(t);
    return build(t);
  };
  EXPECT_TRUE(supersedesAck(a, variant([](Tcp&) {})));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.sport = 40001; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.dport = 80; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.dst[3] = 10; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.seq += 1; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.ttl = 63; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.tos = 1; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.flags |= tcp::kPsh; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.flags |= tcp::kEce; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.flags |= tcp::kFin; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.flags = tcp::kAck | tcp::kRst; })));
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.payload = fill(1, 0); })));
  // SACK blocks (kind 5) carry loss information: never thinned.
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) {
                               t.tcp_options = Bytes(12);
                               put8(t.tcp_options, 0, 1);
                               put8(t.tcp_options, 1, 1);
                               put8(t.tcp_options, 2, 5);
                               put8(t.tcp_options, 3, 10);
                             })));
  // Different header sizes, or IP options that differ.
  EXPECT_FALSE(supersedesAck(a, variant([](Tcp& t) { t.tcp_options.clear(); })));
  Tcp with_ip_option;
  with_ip_option.ip_options = Bytes(4, std::byte{1});
  with_ip_option.ack = 1;
  auto o1 = build(with_ip_option);
  with_ip_option.ack = 2;
  EXPECT_TRUE(supersedesAck(o1, build(with_ip_option)));
  with_ip_option.ip_options[3] = std::byte{0};
  EXPECT_FALSE(supersedesAck(o1, build(with_ip_option)));
  // The earlier packet must be a pure ACK too.
  EXPECT_FALSE(supersedesAck(variant([](Tcp& t) {
                               t.ack = 1;
                               t.flags |= tcp::kPsh;
                             }),
                             variant([](Tcp&) {})));
}

TEST(AckThinning, ALaterAckWithABadChecksumSupersedesNothing) {
  using namespace thinning;
  auto a = ack(77000, 0);
  auto b = ack(78000, 1);
  put8(b, 37, get8(b, 37) ^ 1);  // TCP checksum
  EXPECT_FALSE(supersedesAck(a, b));
  auto c = ack(78000, 1);
  put8(c, 11, get8(c, 11) ^ 1);  // IP checksum
  EXPECT_FALSE(supersedesAck(a, c));
  auto d = ack(78000, 1);
  put16(d, 2, get16(d, 2) + 1);  // IP total length
  fixChecksums(d, 16);
  EXPECT_FALSE(supersedesAck(a, d));
}

TEST(AckThinning, MalformedOptionsAndShortPacketsAreRefused) {
  using namespace thinning;
  auto a = ack(77000, 0);
  auto bad_length = [&](unsigned kind, unsigned len) {
    Tcp t;
    t.ack = 78000;
    t.tcp_options = Bytes(12);
    put8(t.tcp_options, 0, kind);
    put8(t.tcp_options, 1, len);
    return build(t);
  };
  EXPECT_FALSE(supersedesAck(a, bad_length(8, 12)));
  EXPECT_FALSE(supersedesAck(a, bad_length(8, 0)));
  EXPECT_FALSE(supersedesAck(a, bad_length(2, 4)));  // MSS
  Tcp t;
  t.ack = 78000;
  t.tcp_options = Bytes(12);
  put8(t.tcp_options, 0, 1);
  put8(t.tcp_options, 1, 1);
  put8(t.tcp_options, 2, 1);
  put8(t.tcp_options, 3, 8);  // a timestamp that runs past the header
  put8(t.tcp_options, 4, 10);
  EXPECT_FALSE(supersedesAck(a, build(t)));
  for (std::size_t n = 0; n < a.size(); ++n) {
    auto b = ack(78000, 1);
    EXPECT_FALSE(supersedesAck(std::span<const std::byte>(a).first(n),
                               std::span<const std::byte>(b).first(n)))
        << n;
  }
}

TEST(AckThinning, TheCoalescerKeepsTheLastOfARunOfAcks) {
  using namespace thinning;
  std::uint64_t count = 0;
  auto out = thinned({ack(1000, 0), ack(2000, 1), ack(3000, 2), ack(4000, 3)}, &count);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], ack(4000, 3));
  EXPECT_EQ(count, 3u);
  TcpCoalescer c;
  c.thinAcks(true);
  coalesce(c, {ack(1000, 0), ack(2000, 1), buildIcmpEcho(1)});
  EXPECT_EQ(c.packets(), 3u);  // superseded ones included
  EXPECT_EQ(c.acksThinned(), 1u);
}

TEST(AckThinning, DuplicateAcksAndAcksAcrossOtherPacketsAllStay) {
  using namespace thinning;
  // Three duplicate ACKs trigger a fast retransmit: every one reaches TCP.
  std::vector<Bytes> dups{ack(5000, 0), ack(5000, 1), ack(5000, 2), ack(5000, 3)};
  EXPECT_EQ(thinned(dups), dups);
  // An ACK is only ever replaced by the packet right after it.
  auto udp = buildUdp(4500, 4500, fill(30, 1));
  std::vector<Bytes> mixed{ack(1000, 0), udp, ack(2000, 1)};
  EXPECT_EQ(thinned(mixed), mixed);
  Tcp other;
  other.sport = 40001;
  other.tcp_options = timestamps(1, 1);
  std::vector<Bytes> flows{ack(1000, 0), build(other), ack(2000, 1)};
  EXPECT_EQ(thinned(flows), flows);
  // Data that carries an ACK is never replaced, nor does it replace.
  Tcp data;
  data.ack = 1500;
  data.tcp_options = timestamps(1, 1);
  data.payload = fill(100, 3);
  std::vector<Bytes> with_data{ack(1000, 0), build(data), ack(2000, 1)};
  EXPECT_EQ(thinned(with_data), with_data);
}

TEST(AckThinning, NothingIsThinnedUnlessAskedFor) {
  using namespace thinning;
  std::vector<Bytes> in{ack(1000, 0), ack(2000, 1)};
  TcpCoalescer c;
  auto writes = coalesce(c, in);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(c.acksThinned(), 0u);
}

TEST(AckThinning, AFlushEndsTheChanceToBeReplaced) {
  using namespace thinning;
  TcpCoalescer c;
  c.thinAcks(true);
  std::vector<Bytes> writes;
  auto emit = [&](std::span<const std::byte> w) { writes.emplace_back(w.begin(), w.end()); };
  ASSERT_TRUE(c.add(ack(1000, 0)));
  c.flush(emit);  // the end of a wake-up: that ACK has gone to the kernel
  ASSERT_TRUE(c.add(ack(2000, 1)));
  c.flush(emit);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(packetOf(writes[0]), ack(1000, 0));
  EXPECT_EQ(packetOf(writes[1]), ack(2000, 1));
}

}  // namespace
}  // namespace bulwark::packet
