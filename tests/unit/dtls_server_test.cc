// DtlsServer against OpenSSL's own DTLS 1.2 client over loopback UDP: the
// PSK handshake, then data both ways. With an AES-GCM suite the data
// records bypass OpenSSL's record layer on the server (DtlsRecordCipher),
// so these tests are what shows its keys, sequence numbers and nonces are
// the ones a standard DTLS peer expects.
#include "tls/dtls_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/secret_buffer.h"
#include "common/unique_fd.h"
#include "tls/dtls_record.h"
#include "tls/dtls_record_cipher.h"

namespace bulwark::tls {
namespace {

const std::string kPsk(kDtlsPskBytes, '\x5a');

unsigned clientPsk(SSL*, const char*, char* identity, unsigned max_identity, unsigned char* psk,
                   unsigned max_psk) {
  if (max_identity < 5 || max_psk < kPsk.size()) return 0;
  std::strcpy(identity, "test");
  std::memcpy(psk, kPsk.data(), kPsk.size());
  return static_cast<unsigned>(kPsk.size());
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 2000) == 1;
}

// Two UDP sockets on 127.0.0.1 connected to each other.
std::pair<UniqueFd, UniqueFd> udpPair() {
  UniqueFd a(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  UniqueFd b(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sockaddr_in aa = addr, ba = addr;
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(a.get(), reinterpret_cast<sockaddr*>(&aa), sizeof(aa)), 0);
  EXPECT_EQ(::bind(b.get(), reinterpret_cast<sockaddr*>(&ba), sizeof(ba)), 0);
  ::getsockname(a.get(), reinterpret_cast<sockaddr*>(&aa), &len);
  ::getsockname(b.get(), reinterpret_cast<sockaddr*>(&ba), &len);
  EXPECT_EQ(::connect(a.get(), reinterpret_cast<sockaddr*>(&ba), sizeof(ba)), 0);
  EXPECT_EQ(::connect(b.get(), reinterpret_cast<sockaddr*>(&aa), sizeof(aa)), 0);
  return {std::move(a), std::move(b)};
}

// OpenSSL's DTLS client on memory BIOs; datagrams go through its UDP socket.
class Client {
 public:
  Client(UniqueFd fd, const char* ciphers) : fd_(std::move(fd)), suites_(ciphers) {
    ctx_ = SSL_CTX_new(DTLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, DTLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx_, ciphers);
    SSL_CTX_set_psk_client_callback(ctx_, clientPsk);
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    BIO_set_mem_eof_return(out_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_connect_state(ssl_);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool handshake() { return SSL_do_handshake(ssl_) == 1; }
  // Lets the client's retransmission timer (1 s at first) run out and fire.
  void retransmit() {
    timeval tv{};
    if (DTLSv1_get_timeout(ssl_, &tv) == 1)
      ::poll(nullptr, 0, static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000) + 1);
    DTLSv1_handle_timeout(ssl_);
  }
  void write(std::string_view s) {
    ASSERT_EQ(SSL_write(ssl_, s.data(), static_cast<int>(s.size())), static_cast<int>(s.size()));
  }
  void shutdown() { SSL_shutdown(ssl_); }
  // What the client wrote since the last call (one or more records).
  std::vector<std::byte> takeOutput() {
    char* data = nullptr;
    long n = BIO_get_mem_data(out_, &data);
    std::vector<std::byte> bytes(reinterpret_cast<std::byte*>(data),
                                 reinterpret_cast<std::byte*>(data) + std::max(n, 0L));
    (void)BIO_reset(out_);
    return bytes;
  }
  // Sends what the client wrote; false if it had written nothing.
  bool sendOutput() {
    auto bytes = takeOutput();
    if (bytes.empty()) return false;
    EXPECT_EQ(::send(fd_.get(), bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    return true;
  }
  // Makes the client resume a made-up session of the one suite it offers.
  void setSession(const std::string& master_secret, const std::string& id) {
    SSL_SESSION* s = SSL_SESSION_new();
    const SSL_CIPHER* suite = nullptr;  // the (1.2) suite the client was made with
    auto* suites = SSL_get_ciphers(ssl_);
    for (int i = 0; i < sk_SSL_CIPHER_num(suites); ++i)
      if (suites_ == SSL_CIPHER_get_name(sk_SSL_CIPHER_value(suites, i)))
        suite = sk_SSL_CIPHER_value(suites, i);
    ASSERT_NE(suite, nullptr);
    ASSERT_EQ(
        SSL_SESSION_set1_master_key(s, reinterpret_cast<const unsigned char*>(master_secret.data()),
                                    master_secret.size()),
        1);
    ASSERT_EQ(SSL_SESSION_set1_id(s, reinterpret_cast<const unsigned char*>(id.data()),
                                  static_cast<unsigned>(id.size())),
              1);
    ASSERT_EQ(SSL_SESSION_set_cipher(s, suite), 1);
    ASSERT_EQ(SSL_SESSION_set_protocol_version(s, DTLS1_2_VERSION), 1);
    ASSERT_EQ(SSL_set_session(ssl_, s), 1);
    SSL_SESSION_free(s);
  }
  [[nodiscard]] bool resumed() const { return SSL_session_reused(ssl_) == 1; }
  // The next datagram from the server, or empty after 2 s.
  std::vector<std::byte> receive() {
    if (!readable(fd_.get())) return {};
    std::vector<std::byte> d(65536);
    ssize_t n = ::recv(fd_.get(), d.data(), d.size(), 0);
    d.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return d;
  }
  void give(const std::vector<std::byte>& d) {
    BIO_write(in_, d.data(), static_cast<int>(d.size()));
  }
  // Every record the client can read from what it was given.
  std::vector<std::string> read() {
    std::vector<std::string> got;
    char buf[16384];
    int n;
    while ((n = SSL_read(ssl_, buf, sizeof(buf))) > 0)
      got.emplace_back(buf, static_cast<std::size_t>(n));
    ERR_clear_error();
    return got;
  }
  // Records from the server's datagrams until `n` have come (or 2 s pass
  // without a datagram).
  std::vector<std::string> readRecords(std::size_t n) {
    std::vector<std::string> got;
    while (got.size() < n) {
      auto d = receive();
      if (d.empty()) break;
      give(d);
      for (auto& r : read()) got.push_back(r);
    }
    return got;
  }
  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  std::string suites_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
};

struct Flow {
  std::unique_ptr<DtlsServer> server;
  std::unique_ptr<Client> client;
  std::vector<std::string> delivered;
  std::vector<std::byte> last_handshake_datagram;  // the server's Finished flight
  DtlsServer::Deliver deliver() {
    return [this](std::span<const std::byte> r) {
      delivered.emplace_back(reinterpret_cast<const char*>(r.data()), r.size());
    };
  }
};

// Runs the handshake as the worker does: main's first datagram is fed in,
// the rest arrive on the server's socket. False if the server dropped the flow.
bool drive(Flow& f, int server_fd) {
  EXPECT_FALSE(f.client->handshake());
  if (!f.server->feed(f.client->takeOutput(), f.deliver())) return false;
  for (int round = 0; round < 10; ++round) {
    if (f.server->established() && f.client->handshake()) break;
    // The server's flight: wait for its first datagram, then take the rest.
    if (!readable(f.client->fd())) break;
    for (pollfd p{f.client->fd(), POLLIN, 0}; ::poll(&p, 1, 0) == 1;) {
      f.last_handshake_datagram = f.client->receive();
      f.client->give(f.last_handshake_datagram);
    }
    // A resuming client finishes last and still has its Finished to send.
    bool done = f.client->handshake();
    if (f.client->sendOutput() && readable(server_fd) && !f.server->onReadable(f.deliver()))
      return false;
    if (done) break;
  }
  return true;
}

Flow connect(const char* ciphers) {
  Flow f;
  auto [s, c] = udpPair();
  int server_fd = s.get();
  auto made = DtlsServer::create(SecretBuffer(kPsk), std::move(s));
  EXPECT_TRUE(made);
  f.server = std::move(*made);
  f.client = std::make_unique<Client>(std::move(c), ciphers);
  EXPECT_TRUE(drive(f, server_fd));
  EXPECT_TRUE(f.server->established());
  return f;
}

// Legacy mode (anyconnect.md 5.3): the client resumes a session that never
// existed, with the master secret it sent over TLS and the suite the CONNECT
// reply named, as openconnect's GnuTLS does.
const std::string kMasterSecret(kDtlsMasterSecretBytes, '\x33');
const std::string kSessionId(32, '\x7e');

Flow resume(std::uint16_t server_suite, const char* client_suite, const std::string& secret,
            bool* completed) {
  Flow f;
  auto [s, c] = udpPair();
  int server_fd = s.get();
  auto made = DtlsServer::resuming(SecretBuffer(kMasterSecret), server_suite, std::move(s));
  EXPECT_TRUE(made);
  f.server = std::move(*made);
  f.client = std::make_unique<Client>(std::move(c), client_suite);
  f.client->setSession(secret, kSessionId);
  *completed = drive(f, server_fd) && f.server->established() && f.client->handshake();
  return f;
}

std::span<const std::byte> text(std::string_view s) { return std::as_bytes(std::span(s)); }

void bothWays(Flow& f) {
  f.client->write("from the client 1");
  f.client->sendOutput();
  f.client->write("from the client 2");
  f.client->sendOutput();
  ASSERT_TRUE(readable(f.server->fd()));
  ASSERT_TRUE(f.server->onReadable(f.deliver()));
  if (f.delivered.size() < 2 && readable(f.server->fd())) f.server->onReadable(f.deliver());
  EXPECT_EQ(f.delivered, (std::vector<std::string>{"from the client 1", "from the client 2"}));

  std::vector<std::string> sent;
  for (int i = 0; i < 40; ++i) {  // more than one sendmmsg batch
    sent.push_back("packet " + std::to_string(i) + std::string(1000, 'x'));
    ASSERT_TRUE(f.server->queue(text(sent.back())));
  }
  ASSERT_TRUE(f.server->flushQueued());
  sent.emplace_back("a single record");
  ASSERT_TRUE(f.server->send(text(sent.back())));
  EXPECT_EQ(f.client->readRecords(sent.size()), sent);
}

TEST(DtlsServer, AesGcmDataBypassesOpenSslsRecordLayerBothWays) {
  for (const char* suite : {"PSK-AES256-GCM-SHA384", "PSK-AES128-GCM-SHA256"}) {
    SCOPED_TRACE(suite);
    Flow f = connect(suite);
    ASSERT_TRUE(f.server->established());
    EXPECT_TRUE(f.server->recordFastPath());
    bothWays(f);
  }
}

// Packets larger than the link MTU go as OpenSSL would send them (one
// record, fragmented by IP), whichever path seals them, and a record that
// does not fit the rest of a batch starts the next one.
TEST(DtlsServer, LargeRecordsGoAsOpenSslSendsThem) {
  for (const char* suite : {"PSK-AES256-GCM-SHA384", "PSK-CHACHA20-POLY1305"}) {
    SCOPED_TRACE(suite);
    Flow f = connect(suite);
    std::vector<std::string> sent;
    for (int i = 0; i < 20; ++i) sent.emplace_back(1400, static_cast<char>('a' + i));
    sent.emplace_back(3000, 'L');
    for (int i = 0; i < 5; ++i) sent.emplace_back(9000, static_cast<char>('J' + i));
    for (const auto& r : sent) ASSERT_TRUE(f.server->queue(text(r)));
    EXPECT_FALSE(f.server->queue(text(std::string(65535, 'X'))));  // no DTLS record that big
    ASSERT_TRUE(f.server->flushQueued());
    EXPECT_EQ(f.client->readRecords(sent.size()), sent);
  }
}

TEST(DtlsServer, OtherSuitesStayWithOpenSsl) {
  Flow f = connect("PSK-CHACHA20-POLY1305");
  ASSERT_TRUE(f.server->established());
  EXPECT_FALSE(f.server->recordFastPath());
  bothWays(f);
}

TEST(DtlsServer, FirstDataRecordContinuesAfterOpenSslsFinished) {
  Flow f = connect("PSK-AES256-GCM-SHA384");
  auto fin = lastEncryptedRecord(f.last_handshake_datagram);
  ASSERT_TRUE(fin);
  ASSERT_TRUE(f.server->send(text("hello")));
  auto d = f.client->receive();
  auto h = parseDtlsRecordHeader(d);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->epoch, fin->epoch);
  EXPECT_EQ(h->sequence, fin->sequence + 1 + kHandOverGap);
  auto data = lastEncryptedRecord(d);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->nonce, fin->nonce + 1 + kHandOverGap);
  f.client->give(d);
  EXPECT_EQ(f.client->read(), std::vector<std::string>{"hello"});
}

TEST(DtlsServer, ReplayedAndForgedRecordsAreDroppedAndTheFlowGoesOn) {
  Flow f = connect("PSK-AES256-GCM-SHA384");
  f.client->write("once");
  auto record = f.client->takeOutput();
  EXPECT_TRUE(f.server->feed(record, f.deliver()));
  EXPECT_TRUE(f.server->feed(record, f.deliver()));  // replayed
  f.client->write("forged");
  auto forged = f.client->takeOutput();
  forged[forged.size() - 20] ^= std::byte{0x40};
  EXPECT_TRUE(f.server->feed(forged, f.deliver()));
  f.client->write("two ");
  f.client->write("in one datagram");
  EXPECT_TRUE(f.server->feed(f.client->takeOutput(), f.deliver()));
  EXPECT_EQ(f.delivered, (std::vector<std::string>{"once", "two ", "in one datagram"}));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(DtlsServer, RecordsOutOfOrderAreDeliveredOnceEach) {
  Flow f = connect("PSK-AES256-GCM-SHA384");
  ASSERT_TRUE(f.server->recordFastPath());
  std::vector<std::vector<std::byte>> datagrams;
  for (const char* t : {"r0", "r1", "r2", "r3"}) {
    f.client->write(t);
    datagrams.push_back(f.client->takeOutput());
  }
  for (int i : {2, 0, 3, 1, 0, 2}) EXPECT_TRUE(f.server->feed(datagrams[i], f.deliver()));
  EXPECT_EQ(f.delivered, (std::vector<std::string>{"r2", "r0", "r3", "r1"}));
}

// The server's Finished is lost: the client sends its last flight again,
// OpenSSL (the fast path already running) answers inside the gap it keeps,
// and the flow then carries data both ways.
TEST(DtlsServer, ALostFinishedIsSentAgainByOpenSslAfterTheHandOver) {
  auto [s, c] = udpPair();
  int server_fd = s.get();
  auto made = DtlsServer::create(SecretBuffer(kPsk), std::move(s));
  ASSERT_TRUE(made);
  Flow f;
  f.server = std::move(*made);
  f.client = std::make_unique<Client>(std::move(c), "PSK-AES256-GCM-SHA384");
  EXPECT_FALSE(f.client->handshake());
  ASSERT_TRUE(f.server->feed(f.client->takeOutput(), f.deliver()));
  ASSERT_TRUE(readable(f.client->fd()));
  for (pollfd p{f.client->fd(), POLLIN, 0}; ::poll(&p, 1, 0) == 1;)
    f.client->give(f.client->receive());
  EXPECT_FALSE(f.client->handshake());
  f.client->sendOutput();  // ClientKeyExchange, ChangeCipherSpec, Finished
  ASSERT_TRUE(readable(server_fd));
  ASSERT_TRUE(f.server->onReadable(f.deliver()));
  ASSERT_TRUE(f.server->established());
  ASSERT_TRUE(f.server->recordFastPath());
  auto lost = f.client->receive();  // the server's ChangeCipherSpec and Finished
  auto first = lastEncryptedRecord(lost);
  ASSERT_TRUE(first);

  f.client->retransmit();
  f.client->sendOutput();
  ASSERT_TRUE(readable(server_fd));
  ASSERT_TRUE(f.server->onReadable(f.deliver()));
  auto again = f.client->receive();
  auto resent = lastEncryptedRecord(again);
  ASSERT_TRUE(resent);
  EXPECT_GT(resent->sequence, first->sequence);
  f.client->give(again);
  ASSERT_TRUE(f.client->handshake());
  bothWays(f);
}

TEST(DtlsServer, AnAlertStillReachesOpenSsl) {
  Flow f = connect("PSK-AES256-GCM-SHA384");
  ASSERT_TRUE(f.server->recordFastPath());
  f.client->shutdown();  // close_notify: the flow ends
  EXPECT_FALSE(f.server->feed(f.client->takeOutput(), f.deliver()));
}

TEST(DtlsServer, LegacyModeResumesTheClientsSessionAndCarriesData) {
  struct Case {
    std::uint16_t id;
    const char* openssl_name;
  };
  for (Case c : {Case{0x009d, "AES256-GCM-SHA384"}, Case{0x009c, "AES128-GCM-SHA256"},
                 Case{0xc030, "ECDHE-RSA-AES256-GCM-SHA384"}}) {
    SCOPED_TRACE(c.openssl_name);
    bool completed = false;
    Flow f = resume(c.id, c.openssl_name, kMasterSecret, &completed);
    ASSERT_TRUE(completed);
    EXPECT_TRUE(f.client->resumed());  // openconnect refuses a full handshake here
    EXPECT_TRUE(f.server->recordFastPath());
    bothWays(f);
  }
}

TEST(DtlsServer, LegacyModeCompletesNothingWithoutTheMasterSecret) {
  bool completed = true;
  std::string wrong = kMasterSecret;
  wrong[0] ^= 1;
  Flow f = resume(0x009d, "AES256-GCM-SHA384", wrong, &completed);
  EXPECT_FALSE(completed);
  EXPECT_FALSE(f.server->established());
}

TEST(DtlsServer, LegacyModeRefusesAnyOtherSuiteOrAFullHandshake) {
  // The resumed session's suite is not among the client's: no resumption,
  // and with no certificate and no PSK nothing else completes either.
  bool completed = true;
  Flow f = resume(0x009d, "AES128-GCM-SHA256", kMasterSecret, &completed);
  EXPECT_FALSE(completed);
  EXPECT_FALSE(f.server->established());

  auto [s, c] = udpPair();
  int server_fd = s.get();
  auto made = DtlsServer::resuming(SecretBuffer(kMasterSecret), 0x009d, std::move(s));
  ASSERT_TRUE(made);
  Flow psk;
  psk.server = std::move(*made);
  psk.client = std::make_unique<Client>(std::move(c), "PSK-AES256-GCM-SHA384");  // PSK of 0x5a
  drive(psk, server_fd);
  EXPECT_FALSE(psk.server->established());
}

}  // namespace
}  // namespace bulwark::tls
