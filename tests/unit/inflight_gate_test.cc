// InflightGate (src/packet/inflight_gate.h): what the client's TCP has not
// acknowledged, per flow, from the segments the gateway sends and the ACKs
// and SACKs that come back, and when the worker may read its TUN device.
#include "packet/inflight_gate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace bulwark::packet {
namespace {

using Bytes = std::vector<std::byte>;
using Clock = InflightGate::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t kGateway = 0x0a000001;  // the side that sends the data
constexpr std::uint32_t kClient = 0x0a000002;
constexpr std::uint8_t kAck = 0x10, kSyn = 0x02, kFin = 0x01, kRst = 0x04;

void put16(Bytes& p, std::size_t at, unsigned v) {
  p[at] = std::byte(v >> 8 & 0xff);
  p[at + 1] = std::byte(v & 0xff);
}
void put32(Bytes& p, std::size_t at, std::uint32_t v) {
  put16(p, at, v >> 16);
  put16(p, at + 2, v & 0xffff);
}

struct Segment {
  std::uint32_t src = kGateway, dst = kClient;
  std::uint16_t sport = 5201, dport = 40000;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = kAck;
  std::size_t payload = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sack{};  // blocks (left, right)
};

// An IPv4/TCP packet; checksums are left zero (the gate does not read them).
Bytes build(const Segment& s) {
  std::size_t options = s.sack.empty() ? 0 : 4 + 8 * s.sack.size();  // NOP NOP kind len blocks
  std::size_t tcp = 20 + options;
  Bytes p(20 + tcp + s.payload);
  p[0] = std::byte{0x45};
  put16(p, 2, static_cast<unsigned>(p.size()));
  p[8] = std::byte{64};
  p[9] = std::byte{6};
  put32(p, 12, s.src);
  put32(p, 16, s.dst);
  put16(p, 20, s.sport);
  put16(p, 22, s.dport);
  put32(p, 24, s.seq);
  put32(p, 28, s.ack);
  p[32] = std::byte(static_cast<unsigned>(tcp / 4) << 4);
  p[33] = std::byte{s.flags};
  put16(p, 34, 65535);
  if (!s.sack.empty()) {
    p[40] = std::byte{1};
    p[41] = std::byte{1};
    p[42] = std::byte{5};
    p[43] = std::byte(2 + 8 * s.sack.size());
    for (std::size_t i = 0; i < s.sack.size(); ++i) {
      put32(p, 44 + 8 * i, s.sack[i].first);
      put32(p, 48 + 8 * i, s.sack[i].second);
    }
  }
  return p;
}

// Data from the gateway to the client.
Bytes data(std::uint32_t seq, std::size_t len, std::uint16_t sport = 5201) {
  return build({.sport = sport, .seq = seq, .payload = len});
}

// The client's ACK of the gateway's flow.
Bytes ackOf(std::uint32_t ack, std::uint16_t sport = 5201,
            std::vector<std::pair<std::uint32_t, std::uint32_t>> sack = {}) {
  return build({.src = kClient,
                .dst = kGateway,
                .sport = 40000,
                .dport = sport,
                .seq = 777,
                .ack = ack,
                .sack = std::move(sack)});
}

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

// Times one round trip of `rtt` on the default flow from `at`: the segment
// [seq, seq + 1000) leaves at `at` and its ACK comes back at `at + rtt`.
// The flow must exist and have everything before `seq` acknowledged.
void timeOneRoundTrip(InflightGate& g, std::uint32_t seq, Clock::time_point at,
                      Clock::duration rtt) {
  g.sent(data(seq, 1000), at);
  g.received(ackOf(seq + 1000), at + rtt);
}

// A flow whose path takes 100 us: after this, 1000..2000 is acknowledged.
void startFlowOn100usPath(InflightGate& g) {
  g.sent(data(0, 1000), t0);  // a flow's first segment is not timed
  g.received(ackOf(1000), t0);
  timeOneRoundTrip(g, 1000, t0, microseconds(100));
  ASSERT_EQ(g.minRtt(), microseconds(100));
}

TEST(InflightGate, CountsWhatWasSentAndNotYetAcknowledged) {
  InflightGate g(1 << 20, milliseconds(5));
  for (std::uint32_t i = 0; i < 4; ++i) g.sent(data(1000 + i * 1000, 1000), t0);
  EXPECT_EQ(g.outstanding(), 0u) << "a flow counts from its first ACK";
  g.received(ackOf(2000), t0);
  EXPECT_EQ(g.outstanding(), 3000u);
  g.received(ackOf(4500), t0);
  EXPECT_EQ(g.outstanding(), 500u);
  g.received(ackOf(5000), t0);
  EXPECT_EQ(g.outstanding(), 0u);
}

TEST(InflightGate, AnOlderAckChangesNothing) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(1000, 4000), t0);
  g.received(ackOf(3000), t0);
  g.received(ackOf(2000), t0);  // reordered
  EXPECT_EQ(g.outstanding(), 2000u);
}

// From startFlowOn100usPath at `t1`: 120000 bytes leave, the first 60000
// come back after 900 us. Recent RTT (3 * 100 + 900) / 4 = 300 us, so of the
// 60000 still outstanding 2/3 is waiting: 40000 queued.
void queue40000AtTheClient(InflightGate& g, Clock::time_point t1) {
  g.sent(data(2000, 60000), t1);  // timed
  g.sent(data(62000, 60000), t1);
  g.received(ackOf(62000), t1 + microseconds(900));
}

TEST(InflightGate, TimesSegmentsToTheirAcks) {
  InflightGate g(48 * 1024, milliseconds(5));
  EXPECT_EQ(g.queued(), 0u);
  startFlowOn100usPath(g);
  EXPECT_EQ(g.recentRtt(), microseconds(100));
  timeOneRoundTrip(g, 2000, t0 + milliseconds(1), microseconds(500));
  EXPECT_EQ(g.minRtt(), microseconds(100)) << "the smallest stays";
  EXPECT_EQ(g.recentRtt(), microseconds(200)) << "3/4 of the old, 1/4 of the new";
  timeOneRoundTrip(g, 3000, t0 + milliseconds(2), microseconds(60));
  EXPECT_EQ(g.minRtt(), microseconds(60));
}

TEST(InflightGate, HoldsWhenDataQueuesAtTheClient) {
  InflightGate g(30000, milliseconds(5));
  startFlowOn100usPath(g);
  auto t1 = t0 + milliseconds(1);
  queue40000AtTheClient(g, t1);
  EXPECT_EQ(g.recentRtt(), microseconds(300));
  EXPECT_EQ(g.queued(), 40000u) << "60000 outstanding, 2/3 of the round trip waiting";
  EXPECT_FALSE(g.open(t1 + microseconds(900)));
  g.received(ackOf(100000), t1 + microseconds(950));
  EXPECT_EQ(g.queued(), 14666u);
  EXPECT_TRUE(g.open(t1 + microseconds(950)));
  EXPECT_EQ(g.peak(), 40000u);
}

TEST(InflightGate, ALongPathWithNoQueueIsNeverHeld) {
  // 600 KB in flight to a client 50 ms away, every ACK 50 ms after its
  // segment: all of it is on the path, none of it waiting.
  InflightGate g(48 * 1024, milliseconds(5));
  g.sent(data(0, 1000), t0);
  g.received(ackOf(1000), t0 + milliseconds(50));
  auto t = t0 + milliseconds(50);
  std::uint32_t seq = 1000;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 400; ++i, seq += 1500) g.sent(data(seq, 1500), t);
    EXPECT_EQ(g.outstanding(), 600000u);
    t += milliseconds(50);
    g.received(ackOf(seq), t);
    EXPECT_EQ(g.minRtt(), milliseconds(50));
    EXPECT_EQ(g.queued(), 0u);
    EXPECT_TRUE(g.open(t));
  }
}

TEST(InflightGate, ARetransmissionTimesNothing) {
  InflightGate g(48 * 1024, milliseconds(5));
  startFlowOn100usPath(g);
  g.sent(data(2000, 1000), t0 + milliseconds(1));  // timed, then lost
  g.sent(data(2000, 1000), t0 + milliseconds(9));  // sent again
  g.received(ackOf(3000), t0 + milliseconds(9) + microseconds(100));
  EXPECT_EQ(g.recentRtt(), microseconds(100)) << "8 ms of loss is no round trip";
  timeOneRoundTrip(g, 3000, t0 + milliseconds(10), microseconds(100));
  EXPECT_EQ(g.recentRtt(), microseconds(100));
}

TEST(InflightGate, DrainsBeforeHoldingOnARoundTripOlderThanTenSeconds) {
  InflightGate g(15000, milliseconds(5));
  startFlowOn100usPath(g);
  // Eleven seconds later the client is on a path of 300 us.
  auto t1 = t0 + seconds(11);
  g.sent(data(2000, 60000), t1);  // timed
  g.sent(data(62000, 60000), t1);
  g.received(ackOf(62000), t1 + microseconds(300));
  EXPECT_EQ(g.recentRtt(), microseconds(150));
  EXPECT_EQ(g.queued(), 20000u) << "60000 outstanding, measured against the old 100 us";
  EXPECT_FALSE(g.open(t1 + microseconds(300))) << "draining: 60000 outstanding";
  EXPECT_TRUE(g.draining());
  g.received(ackOf(122000), t1 + microseconds(600));
  EXPECT_EQ(g.minRtt(), microseconds(100)) << "nothing timed left in the drain";
  EXPECT_TRUE(g.open(t1 + microseconds(600))) << "nothing outstanding";
  timeOneRoundTrip(g, 122000, t1 + microseconds(700), microseconds(300));
  EXPECT_FALSE(g.draining());
  EXPECT_EQ(g.minRtt(), microseconds(300)) << "a segment sent in the drain times the path";
}

TEST(InflightGate, ADrainWithNothingComingBackKeepsTheOldRoundTrip) {
  InflightGate g(30000, milliseconds(5));
  startFlowOn100usPath(g);
  auto t1 = t0 + seconds(11);
  queue40000AtTheClient(g, t1);
  auto t2 = t1 + microseconds(900);
  EXPECT_FALSE(g.open(t2));
  EXPECT_TRUE(g.draining());
  EXPECT_TRUE(g.open(t2 + milliseconds(201))) << "the drain gave up, and no ACK moved";
  EXPECT_FALSE(g.draining());
  EXPECT_EQ(g.minRtt(), microseconds(100));
}

TEST(InflightGate, APathWithNothingQueuedIsNeverDrained) {
  InflightGate g(48 * 1024, milliseconds(5));
  startFlowOn100usPath(g);
  auto t1 = t0 + seconds(11);
  g.sent(data(2000, 60000), t1);  // timed: the path's own 100 us
  g.received(ackOf(2000 + 60000), t1 + microseconds(100));
  g.sent(data(62000, 60000), t1 + microseconds(100));
  EXPECT_EQ(g.queued(), 0u);
  EXPECT_TRUE(g.open(t1 + microseconds(100)));
  EXPECT_FALSE(g.draining()) << "a drain would only cost throughput";
}

TEST(InflightGate, OpensWhenAcksStopAndLearnsTheCountAgain) {
  InflightGate g(30000, milliseconds(5));
  startFlowOn100usPath(g);
  auto t1 = t0 + milliseconds(1);
  queue40000AtTheClient(g, t1);
  auto quiet = t1 + microseconds(900);
  EXPECT_FALSE(g.open(quiet + milliseconds(4)));
  EXPECT_EQ(g.reopensAt(), quiet + milliseconds(5));
  EXPECT_TRUE(g.open(quiet + milliseconds(5))) << "no ACK moved for the stall time";
  EXPECT_EQ(g.outstanding(), 0u) << "forgotten until the next ACK";
  g.received(ackOf(63000), quiet + milliseconds(6));
  EXPECT_EQ(g.outstanding(), 59000u);
  EXPECT_FALSE(g.open(quiet + milliseconds(6)));
}

TEST(InflightGate, SackedDataCountsAsReceived) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(1000, 5000), t0);  // 1000..6000; 1000..2000 is lost
  g.received(ackOf(1000, 5201, {{2000, 3000}, {3000, 5000}}), t0);
  EXPECT_EQ(g.outstanding(), 1000u) << "only 5000..6000 can still be on its way";
}

TEST(InflightGate, AnAckBeyondWhatWasSentCountsAsAll) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(1000, 1000), t0);
  g.received(ackOf(9000, 5201, {{9000, 12000}}), t0);
  EXPECT_EQ(g.outstanding(), 0u);
  g.sent(data(2000, 1000), t0);
  EXPECT_EQ(g.outstanding(), 1000u) << "the clamped ack still counts what follows";
}

TEST(InflightGate, SynAndFinTakeASequenceNumber) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(build({.seq = 100, .flags = kSyn | kAck}), t0);
  g.received(ackOf(100), t0);
  EXPECT_EQ(g.outstanding(), 1u);
  g.sent(build({.seq = 101, .flags = kFin | kAck, .payload = 10}), t0);
  EXPECT_EQ(g.outstanding(), 12u);
  g.received(ackOf(112), t0);
  EXPECT_EQ(g.outstanding(), 0u);
}

TEST(InflightGate, CountsAcrossTheSequenceNumberWrap) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(0xfffffc00u, 1024), t0);
  g.sent(data(0, 2048), t0);
  g.received(ackOf(0xfffffe00u), t0);
  EXPECT_EQ(g.outstanding(), 512u + 2048u);
  g.received(ackOf(1024), t0);
  EXPECT_EQ(g.outstanding(), 1024u);
}

TEST(InflightGate, FlowsAreCountedApartAndSummed) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(0, 3000, 1111), t0);
  g.sent(data(50000, 2000, 2222), t0);
  g.received(ackOf(1000, 1111), t0);
  g.received(ackOf(50500, 2222), t0);
  EXPECT_EQ(g.outstanding(), 2000u + 1500u);
  // An ACK whose ports do not match a flow sent to the client moves nothing.
  g.received(ackOf(3000, 3333), t0);
  Bytes wrong_address = ackOf(3000, 1111);
  put32(wrong_address, 12, 0x0a000099);
  g.received(wrong_address, t0);
  EXPECT_EQ(g.outstanding(), 3500u);
}

TEST(InflightGate, ANewFlowBeyondTheTableReplacesTheLeastRecentlySent) {
  InflightGate g(1 << 20, milliseconds(5));
  for (std::uint16_t f = 0; f < InflightGate::kFlows; ++f) {
    g.sent(data(0, 1000, static_cast<std::uint16_t>(1000 + f)), t0);
    g.received(ackOf(0, static_cast<std::uint16_t>(1000 + f)), t0);
  }
  EXPECT_EQ(g.outstanding(), 1000u * InflightGate::kFlows);
  g.sent(data(0, 1000, 1000), t0);  // flow 1000 is now the most recent
  g.sent(data(0, 500, 9999), t0);   // replaces flow 1001
  g.received(ackOf(0, 9999), t0);
  EXPECT_EQ(g.outstanding(), 1000u * (InflightGate::kFlows - 1) + 500u);
}

TEST(InflightGate, AFinOrResetFromTheClientEndsTheFlowsCount) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(0, 4000, 1111), t0);
  g.sent(data(0, 4000, 2222), t0);
  g.received(ackOf(0, 1111), t0);
  g.received(ackOf(0, 2222), t0);
  Bytes fin = ackOf(1000, 1111);
  fin[33] = std::byte{kFin | kAck};
  g.received(fin, t0);
  EXPECT_EQ(g.outstanding(), 4000u);
  Bytes rst = ackOf(1000, 2222);
  rst[33] = std::byte{kRst | kAck};
  g.received(rst, t0);
  EXPECT_EQ(g.outstanding(), 0u);
}

TEST(InflightGate, PacketsThatAreNotIpv4TcpAreIgnored) {
  InflightGate g(1000, milliseconds(5));
  g.sent(data(0, 4000), t0);
  g.received(ackOf(0), t0);
  Bytes udp = data(4000, 4000);
  udp[9] = std::byte{17};
  g.sent(udp, t0);
  Bytes v6 = data(4000, 4000);
  v6[0] = std::byte{0x60};
  g.sent(v6, t0);
  g.sent(Bytes(30), t0);
  Bytes short_tcp = data(4000, 0);
  short_tcp.resize(30);  // the TCP header is cut off
  g.sent(short_tcp, t0);
  Bytes no_ack = ackOf(4000);
  no_ack[33] = std::byte{0};
  g.received(no_ack, t0);
  EXPECT_EQ(g.outstanding(), 4000u);
}

TEST(InflightGate, AMalformedSackOptionEndsTheOptionWalk) {
  InflightGate g(1 << 20, milliseconds(5));
  g.sent(data(1000, 5000), t0);
  Bytes a = ackOf(2000, 5201, {{3000, 6000}});
  a[43] = std::byte{40};  // the SACK option claims more bytes than the header has
  g.received(a, t0);
  EXPECT_EQ(g.outstanding(), 4000u) << "the ack number still counts, the block does not";
}

}  // namespace
}  // namespace bulwark::packet
