#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/channel.h"
#include "ipc/limits.h"
#include "ipc/main_authd.h"
#include "ipc/main_logship.h"
#include "ipc/main_worker.h"
#include "ipc/main_zygote.h"
#include "ipc/worker_authd.h"

namespace bulwark::ipc {
namespace {

template <typename M>
M roundTrip(const M& m) {
  auto f = encodeFrame(m);
  auto back = decodeFrame<M>(f);
  EXPECT_TRUE(back) << (back ? "" : back.error().message);
  return std::move(*back);
}

TEST(IpcCodec, RoundTripsEveryMessage) {
  WorkerInit init;
  init.cert_chain_pem = "PEM";
  init.dns = {"192.168.99.1", "fd00::1"};
  init.split_include = {"10.0.0.0/255.0.0.0"};
  init.netmask = "255.255.255.0";
  init.rx_coalesce_us = 250;
  init.ack_thinning = false;
  init.dtls_inflight_kib = 96;
  auto i2 = roundTrip(init);
  EXPECT_EQ(i2.rx_coalesce_us, 250u);
  EXPECT_FALSE(i2.ack_thinning);
  EXPECT_EQ(i2.dtls_inflight_kib, 96u);
  EXPECT_TRUE(roundTrip(WorkerInit{}).ack_thinning);
  EXPECT_EQ(i2.dns, init.dns);
  EXPECT_EQ(i2.split_include, init.split_include);
  EXPECT_EQ(i2.cert_chain_pem, "PEM");
  init.rx_coalesce_us = WorkerInit::kMaxRxCoalesceUs + 1;  // the worker never sleeps longer
  EXPECT_FALSE(decodeFrame<WorkerInit>(encodeFrame(init)));
  init.rx_coalesce_us = 250;
  init.dtls_inflight_kib = WorkerInit::kMaxDtlsInflightKib + 1;
  EXPECT_FALSE(decodeFrame<WorkerInit>(encodeFrame(init)));
  auto ready = roundTrip(TunnelReady{7, "192.168.99.2", "ab12", 1394, 1460});
  EXPECT_EQ(ready.dtls_app_id, "ab12");
  EXPECT_EQ(ready.mtu, 1394u);
  EXPECT_EQ(ready.base_mtu, 1460u);
  // An MTU no link has is refused, in either field.
  EXPECT_FALSE(
      decodeFrame<TunnelReady>(encodeFrame(TunnelReady{7, "192.168.99.2", "", 575, 1500})));
  EXPECT_FALSE(
      decodeFrame<TunnelReady>(encodeFrame(TunnelReady{7, "192.168.99.2", "", 1400, 9001})));
  EXPECT_EQ(roundTrip(DtlsFlow{"\x16\xfe\xff"}).datagram, "\x16\xfe\xff");
  EXPECT_EQ(roundTrip(TunnelRefused{"full"}).reason, "full");
  EXPECT_EQ(roundTrip(Terminate{"bye"}).reason, "bye");
  EXPECT_EQ(roundTrip(Stats{1, 2, 1, 0}).dtls_bytes_in, 1u);
  EXPECT_FALSE(decodeFrame<Stats>(encodeFrame(Stats{1, 2, 5, 0})));  // DTLS part > total
  EXPECT_EQ(roundTrip(TunnelClosed{CloseReason::kIdle, {3, 4, 0, 0}}).reason, CloseReason::kIdle);
  EXPECT_EQ(roundTrip(SignRequest{SignKind::kRsaPrivate, 3, "abc"}).data, "abc");
  EXPECT_EQ(roundTrip(SignReply{true, "sig"}).signature, "sig");
  EXPECT_EQ(roundTrip(AuthPassword{"alice", SecretBuffer("pw")}).password.view(), "pw");
  EXPECT_EQ(roundTrip(AuthReply{AuthOutcome::kRetry, "again", SecretBuffer()}).outcome,
            AuthOutcome::kRetry);
  EXPECT_EQ(roundTrip(CookieCheck{SecretBuffer("c")}).cookie.view(), "c");
  EXPECT_TRUE(roundTrip(CookieCheck{SecretBuffer("c"), true}).wants_dtls);
  EXPECT_FALSE(roundTrip(CookieCheck{SecretBuffer("c"), false}).wants_dtls);
  EXPECT_EQ(roundTrip(CookieReply{true, "bob", 9}).session_id, 9u);
  roundTrip(Logout{});
  EXPECT_EQ(roundTrip(WorkerAttach{5, "10.0.0.2:1"}).peer, "10.0.0.2:1");
  EXPECT_EQ(roundTrip(WorkerGone{5}).worker_id, 5u);
  EXPECT_EQ(roundTrip(RevokeSession{6}).session_id, 6u);
  EXPECT_EQ(roundTrip(RevokeUser{"eve"}).username, "eve");
  EXPECT_EQ(roundTrip(SessionGrant{1, 2, "u"}).username, "u");
  EXPECT_TRUE(roundTrip(SessionGrant{1, 2, "u", true}).wants_dtls);
  EXPECT_FALSE(roundTrip(SessionGrant{1, 2, "u", false}).wants_dtls);
  EXPECT_EQ(roundTrip(SessionEnded{8}).session_id, 8u);
  EXPECT_EQ(roundTrip(KillWorker{4}).worker_id, 4u);
  auto settings = roundTrip(AuthSettings{300, 3600, 2, true, 5, 30, 900});
  EXPECT_EQ(settings.session_lifetime, 3600u);
  EXPECT_TRUE(settings.mfa_required);
  EXPECT_EQ(settings.backoff_max, 900u);
}

TEST(IpcCodec, RejectsTruncatedTrailingAndOverCap) {
  auto f = encodeFrame(CookieReply{true, "bob", 9});
  Frame cut{f.type, std::vector<std::byte>(f.payload.begin(), f.payload.end() - 1), {}, {}, 0};
  EXPECT_FALSE(decodeFrame<CookieReply>(cut));
  Frame extra{f.type, f.payload, {}, {}, 0};
  extra.payload.push_back(std::byte{0});
  EXPECT_FALSE(decodeFrame<CookieReply>(extra));
  EXPECT_FALSE(decodeFrame<SessionGrant>(f));  // wrong type
  auto big = encodeFrame(AuthPassword{std::string(kMaxUsername + 1, 'u'), SecretBuffer("p")});
  EXPECT_FALSE(decodeFrame<AuthPassword>(big));
  Frame bad_bool = encodeFrame(CookieReply{true, "b", 1});
  bad_bool.payload[0] = std::byte{2};
  EXPECT_FALSE(decodeFrame<CookieReply>(bad_bool));
  Frame bad_enum = encodeFrame(AuthReply{AuthOutcome::kDenied, "", SecretBuffer()});
  bad_enum.payload[0] = std::byte{9};
  EXPECT_FALSE(decodeFrame<AuthReply>(bad_enum));
}

TEST(IpcChannel, SendsFramesAndOneFd) {
  auto pair = makeChannelPair();
  ASSERT_TRUE(pair);
  Channel a(std::move(pair->first), kMainWorkerCap);
  Channel b(std::move(pair->second), kMainWorkerCap);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  ASSERT_TRUE(a.sendMessage(TunnelReady{1, "192.168.99.2", ""}, p[1]));
  ::close(p[1]);
  auto f = b.receive();
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->fd.valid());
  EXPECT_EQ(::write(f->fd.get(), "x", 1), 1);  // the passed fd is the pipe's write end
  char c = 0;
  EXPECT_EQ(::read(p[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  ::close(p[0]);
  EXPECT_EQ(decodeFrame<TunnelReady>(*f)->client_address, "192.168.99.2");
}

TEST(IpcZygote, SpawnAndInitRoundTripAndRejectBadInput) {
  EXPECT_EQ(roundTrip(SpawnWorker{"10.0.0.2:51234"}).peer, "10.0.0.2:51234");
  EXPECT_EQ(roundTrip(ZygoteInit{"-----BEGIN CERTIFICATE-----"}).cert_chain_pem,
            "-----BEGIN CERTIFICATE-----");
  EXPECT_FALSE(decodeFrame<SpawnWorker>(encodeFrame(SpawnWorker{""})));
  EXPECT_FALSE(
      decodeFrame<SpawnWorker>(encodeFrame(SpawnWorker{std::string(kMaxAddressText + 1, '1')})));
  EXPECT_FALSE(
      decodeFrame<ZygoteInit>(encodeFrame(ZygoteInit{std::string(kMaxCertChain + 1, 'x')})));
  EXPECT_FALSE(decodeFrame<ZygoteInit>(encodeFrame(SpawnWorker{"1.2.3.4:5"})));  // wrong type
  EXPECT_TRUE(decodeFrame<WorkerStarted>(encodeFrame(WorkerStarted{})));
  Frame extra = encodeFrame(WorkerStarted{});
  extra.payload.push_back(std::byte{0});
  EXPECT_FALSE(decodeFrame<WorkerStarted>(extra));
}

// Each received fd is the matching pipe's write end, in the order sent.
void expectPipeEnds(const Frame& f, const int (&read_ends)[3]) {
  ASSERT_TRUE(f.fd.valid());
  ASSERT_EQ(f.more_fds.size(), 2u);
  const int sent[3] = {f.fd.get(), f.more_fds[0].get(), f.more_fds[1].get()};
  for (int i = 0; i < 3; ++i) {
    char c = static_cast<char>('a' + i);
    ASSERT_EQ(::write(sent[i], &c, 1), 1);
    char got = 0;
    ASSERT_EQ(::read(read_ends[i], &got, 1), 1);
    EXPECT_EQ(got, c);
  }
}

TEST(IpcChannel, CarriesSeveralFdsInOrderUpToItsLimit) {
  auto pair = makeChannelPair();
  Channel a(std::move(pair->first), kMainZygoteCap, SpawnWorker::kFds);
  Channel b(std::move(pair->second), kMainZygoteCap, SpawnWorker::kFds);
  int p[3][2];
  for (auto& e : p) ASSERT_EQ(pipe2(e, O_CLOEXEC), 0);
  int fds[3] = {p[0][1], p[1][1], p[2][1]};
  ASSERT_TRUE(*a.trySendFds(encodeFrame(SpawnWorker{"1.2.3.4:5"}), fds));
  auto f = b.receive();
  ASSERT_TRUE(f);
  expectPipeEnds(*f, {p[0][0], p[1][0], p[2][0]});
  // A receiver made for one fd refuses a frame with three (and closes them).
  auto pair2 = makeChannelPair();
  Channel c(std::move(pair2->first), kMainZygoteCap, SpawnWorker::kFds);
  Channel d(std::move(pair2->second), kMainZygoteCap);
  ASSERT_TRUE(*c.trySendFds(encodeFrame(SpawnWorker{"1.2.3.4:5"}), fds));
  EXPECT_FALSE(d.receive());
  for (auto& e : p) {
    ::close(e[0]);
    ::close(e[1]);
  }
}

TEST(IpcChannel, CredentialsNameTheSendingProcess) {
  auto pair = makeChannelPair();
  Channel main_end(std::move(pair->first), kMainWorkerCap);
  Channel worker_end(std::move(pair->second), kMainWorkerCap);
  ASSERT_TRUE(main_end.passCredentials());
  pid_t child = fork();
  if (child == 0) _exit(worker_end.sendMessage(WorkerStarted{}) ? 0 : 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  auto f = main_end.receive();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sender_pid, child);  // what the kernel saw, not what the sender says
  // Without passCredentials() no pid is attached.
  ASSERT_TRUE(main_end.sendMessage(WorkerStarted{}));
  auto g = worker_end.receive();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->sender_pid, 0);
}

TEST(IpcChannel, ReceiverRejectsFramesOverItsCap) {
  auto pair = makeChannelPair();
  Channel big(std::move(pair->first), kMainWorkerCap);
  Channel small(std::move(pair->second), kWorkerAuthdCap);
  TunnelRefused huge{std::string(kWorkerAuthdCap + 10, 'x')};
  ASSERT_TRUE(big.sendMessage(huge));
  EXPECT_FALSE(small.receive());
}

TEST(IpcChannel, PeerCloseIsReported) {
  auto pair = makeChannelPair();
  Channel a(std::move(pair->first), kMainWorkerCap);
  Channel b(std::move(pair->second), kMainWorkerCap);
  a.close();
  auto f = b.receive();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, kPeerClosed);
}

TEST(IpcLogship, RecordAndStatusRoundTrip) {
  auto rec = roundTrip(LogRecord{17, "12 <86>1 - x"});
  EXPECT_EQ(rec.seq, 17u);
  EXPECT_EQ(rec.frame, "12 <86>1 - x");
  auto st = roundTrip(LogshipStatus{true, 3, 42});
  EXPECT_TRUE(st.connected);
  EXPECT_EQ(st.dropped, 3u);
  EXPECT_EQ(st.last_sent_seq, 42u);
  EXPECT_FALSE(roundTrip(LogshipStatus{}).connected);
}

TEST(IpcLogship, DecodersRejectWhatTheProtocolRulesOut) {
  EXPECT_FALSE(decodeFrame<LogRecord>(encodeFrame(LogRecord{0, "x"})));  // seqs start at 1
  EXPECT_FALSE(decodeFrame<LogRecord>(encodeFrame(LogRecord{1, ""})));
  std::string too_long(kMaxLogFrame + 1, 'f');
  EXPECT_FALSE(decodeFrame<LogRecord>(encodeFrame(LogRecord{1, too_long})));
  EXPECT_TRUE(decodeFrame<LogRecord>(encodeFrame(LogRecord{1, std::string(kMaxLogFrame, 'f')})));
  Frame bad_bool = encodeFrame(LogshipStatus{true, 0, 0});
  bad_bool.payload[0] = std::byte{2};
  EXPECT_FALSE(decodeFrame<LogshipStatus>(bad_bool));
  Frame cut = encodeFrame(LogshipStatus{true, 1, 2});
  cut.payload.pop_back();
  EXPECT_FALSE(decodeFrame<LogshipStatus>(cut));
  Frame extra = encodeFrame(LogshipStatus{true, 1, 2});
  extra.payload.push_back(std::byte{0});
  EXPECT_FALSE(decodeFrame<LogshipStatus>(extra));
  EXPECT_FALSE(decodeFrame<LogshipStatus>(encodeFrame(LogRecord{1, "x"})));  // wrong type
  // The largest record main may send fits the channel.
  EXPECT_LE(encodeFrame(LogRecord{~0ull, std::string(kMaxLogFrame, 'f')}).payload.size(),
            kMainLogshipCap);
}

TEST(IpcChannel, TrySendReportsAFullBufferAndAClosedPeer) {
  auto pair = makeChannelPair();
  Channel a(std::move(pair->first), kMainLogshipCap);
  Channel b(std::move(pair->second), kMainLogshipCap);
  Frame f = encodeFrame(LogRecord{1, std::string(4096, 'x')});
  int sent = 0;
  for (;;) {
    auto r = a.trySend(f);
    ASSERT_TRUE(r);
    if (!*r) break;
    ASSERT_LT(++sent, 100000) << "the socket buffer never filled";
  }
  EXPECT_GT(sent, 0);
  EXPECT_TRUE(b.receive());  // room again
  EXPECT_TRUE(*a.trySend(f));
  b.close();
  EXPECT_FALSE(a.trySend(f));
}

TEST(IpcFrame, ParseFrameChecksHeaderAndCap) {
  std::byte two[2] = {std::byte{0}, std::byte{1}};
  EXPECT_TRUE(parseFrame(std::span(two, 2), 0));
  EXPECT_FALSE(parseFrame(std::span(two, 1), 10));
  std::vector<std::byte> over(2 + 11);
  EXPECT_FALSE(parseFrame(over, 10));
}

}  // namespace
}  // namespace bulwark::ipc
