#include "proto/anyconnect/connect_reply.h"

#include <gtest/gtest.h>

namespace bulwark::anyconnect {
namespace {

http::Request connectRequest(std::string_view headers) {
  auto r =
      http::parseRequest("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n" + std::string(headers) + "\r\n");
  EXPECT_TRUE(r && r->request);
  return *r->request;
}

TEST(ConnectRequest, ReadsCookieAndHints) {
  auto c = parseConnectRequest(
      connectRequest("Cookie: webvpn=abc_DEF-123\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1390\r\n"
                     "X-CSTP-Address: 192.168.99.106\r\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cookie.view(), "abc_DEF-123");
  EXPECT_EQ(c->base_mtu, 1500u);
  EXPECT_EQ(c->mtu, 1390u);
  EXPECT_EQ(c->previous_address, "192.168.99.106");
}

TEST(ConnectRequest, RefusesMalformedValues) {
  EXPECT_FALSE(parseConnectRequest(connectRequest("Cookie: webvpn=a\"b\r\n")));
  EXPECT_FALSE(
      parseConnectRequest(connectRequest("Cookie: webvpn=" + std::string(200, 'a') + "\r\n")));
  EXPECT_FALSE(parseConnectRequest(connectRequest("X-CSTP-MTU: 99999999\r\n")));
  EXPECT_FALSE(parseConnectRequest(connectRequest("X-CSTP-MTU: 100\r\n")));
  EXPECT_FALSE(parseConnectRequest(connectRequest("X-CSTP-Address: ::1\r\n")));
  auto none = parseConnectRequest(connectRequest(""));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->cookie.empty());
}

TEST(ConnectReply, ExactHeadersForAFixture) {
  TunnelParams p;
  p.client_address = "192.168.99.2";
  p.netmask = "255.255.255.0";
  p.mtu = 1394;
  p.base_mtu = 1460;
  p.dns = {"192.168.99.1"};
  p.default_domain = "example.com";
  p.split_include = {"10.0.0.0/255.0.0.0"};
  p.dpd_seconds = 90;
  p.keepalive_seconds = 32400;
  EXPECT_EQ(buildConnectReply(p),
            "HTTP/1.1 200 CONNECTED\r\n"
            "X-CSTP-Version: 1\r\n"
            "X-CSTP-Server-Name: bulwark\r\n"
            "X-CSTP-Address: 192.168.99.2\r\n"
            "X-CSTP-Netmask: 255.255.255.0\r\n"
            "X-CSTP-DNS: 192.168.99.1\r\n"
            "X-CSTP-Default-Domain: example.com\r\n"
            "X-CSTP-Split-Include: 10.0.0.0/255.0.0.0\r\n"
            "X-CSTP-Keepalive: 32400\r\n"
            "X-CSTP-DPD: 90\r\n"
            "X-CSTP-Idle-Timeout: none\r\n"
            "X-CSTP-Rekey-Method: none\r\n"
            "X-CSTP-Session-Timeout: none\r\n"
            "X-CSTP-Disconnected-Timeout: none\r\n"
            "X-CSTP-Base-MTU: 1460\r\n"
            "X-CSTP-MTU: 1394\r\n"
            "\r\n");
}

TEST(ConnectReply, NoDtlsHeadersWithoutAnAppIdAndNeverCompression) {
  std::string r = buildConnectReply(TunnelParams{});
  EXPECT_EQ(r.find("X-DTLS"), std::string::npos);
  EXPECT_EQ(r.find("Content-Encoding"), std::string::npos);
}

TEST(ConnectReply, OffersPskNegotiateDtls) {
  TunnelParams p;
  p.dtls_app_id = std::string(64, 'a');
  p.dtls_port = 443;
  p.dpd_seconds = 30;
  std::string r = buildConnectReply(p);
  EXPECT_NE(r.find("\r\nX-DTLS-App-ID: " + std::string(64, 'a') + "\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS-CipherSuite: PSK-NEGOTIATE\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS-Port: 443\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS-DPD: 30\r\n"), std::string::npos);
  EXPECT_EQ(r.find("X-DTLS-Session-ID"), std::string::npos);  // no legacy mode
}

TEST(ConnectRequest, DetectsPskNegotiateOffer) {
  auto yes = parseConnectRequest(
      connectRequest("X-DTLS-CipherSuite: PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:AES128-SHA\r\n"));
  ASSERT_TRUE(yes);
  EXPECT_TRUE(yes->offers_psk_negotiate);
  auto no = parseConnectRequest(connectRequest("X-DTLS-CipherSuite: OC-DTLS1_2-AES256-GCM\r\n"));
  ASSERT_TRUE(no);
  EXPECT_FALSE(no->offers_psk_negotiate);
  auto sneaky = parseConnectRequest(connectRequest("X-DTLS-CipherSuite: XPSK-NEGOTIATE\r\n"));
  EXPECT_FALSE(sneaky->offers_psk_negotiate);
}

const std::string kSecretHex =
    "62807D07EF2A5FA208C43BB93B0CC0CAEF5226C5009E5F8D7F21DEBA9AF2FE02BC8224CE24F2BF7C6506EF41475BA9"
    "05";

TEST(ConnectRequest, LegacyDtlsOnlyWithoutPskNegotiate) {
  // What openconnect --dtls-ciphers=OC-DTLS1_2-AES256-GCM sends.
  auto legacy = parseConnectRequest(connectRequest(
      "X-DTLS-Master-Secret: " + kSecretHex + "\r\nX-DTLS-CipherSuite: OC-DTLS1_2-AES256-GCM\r\n"));
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_FALSE(legacy->offers_psk_negotiate);
  ASSERT_TRUE(legacy->legacy_dtls_suite);
  EXPECT_EQ(legacy->legacy_dtls_suite->name, "OC-DTLS1_2-AES256-GCM");
  EXPECT_EQ(legacy->legacy_dtls_suite->header, "X-DTLS-CipherSuite");
  EXPECT_EQ(legacy->legacy_dtls_suite->id, 0x009d);
  EXPECT_TRUE(legacy->offersDtls());
  ASSERT_EQ(legacy->dtls_master_secret.size(), kDtlsMasterSecretBytes);
  EXPECT_EQ(legacy->dtls_master_secret.view().substr(0, 3), "\x62\x80\x7d");
  EXPECT_EQ(legacy->dtls_master_secret.view().back(), '\x05');

  // openconnect's default: PSK-NEGOTIATE first; the secret is then unused.
  auto psk = parseConnectRequest(
      connectRequest("X-DTLS-Master-Secret: " + kSecretHex +
                     "\r\nX-DTLS-CipherSuite: PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM\r\n"
                     "X-DTLS12-CipherSuite: ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384\r\n"));
  ASSERT_TRUE(psk);
  EXPECT_TRUE(psk->offers_psk_negotiate);
  EXPECT_FALSE(psk->legacy_dtls_suite);

  // No secret, or only suites the gateway does not serve: no DTLS.
  auto no_secret =
      parseConnectRequest(connectRequest("X-DTLS-CipherSuite: OC-DTLS1_2-AES256-GCM\r\n"));
  ASSERT_TRUE(no_secret);
  EXPECT_FALSE(no_secret->offersDtls());
  auto cbc_only = parseConnectRequest(
      connectRequest("X-DTLS-Master-Secret: " + kSecretHex +
                     "\r\nX-DTLS-CipherSuite: AES256-SHA:AES128-SHA:DES-CBC3-SHA\r\n"));
  ASSERT_TRUE(cbc_only);
  EXPECT_FALSE(cbc_only->offersDtls());
}

TEST(ConnectRequest, RefusesAMalformedMasterSecret) {
  for (std::string bad :
       {kSecretHex.substr(2), kSecretHex + "00", "zz" + kSecretHex.substr(2), std::string()}) {
    SCOPED_TRACE(bad);
    auto r = parseConnectRequest(connectRequest("X-DTLS-Master-Secret: " + bad + "\r\n"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("X-DTLS-Master-Secret"), std::string::npos);
  }
}

TEST(LegacyDtls, PicksTheStrongestSuiteTheClientLists) {
  auto pick = [](std::optional<std::string_view> a, std::optional<std::string_view> b) {
    auto s = chooseLegacyDtlsSuite(a, b);
    return s ? std::string(s->header) + " " + std::string(s->name) : std::string("none");
  };
  EXPECT_EQ(pick("AES128-SHA:OC-DTLS1_2-AES128-GCM:OC-DTLS1_2-AES256-GCM", std::nullopt),
            "X-DTLS-CipherSuite OC-DTLS1_2-AES256-GCM");
  EXPECT_EQ(pick("OC-DTLS1_2-AES128-GCM", "ECDHE-RSA-AES256-GCM-SHA384"),
            "X-DTLS-CipherSuite OC-DTLS1_2-AES128-GCM");
  EXPECT_EQ(pick(std::nullopt, "AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"),
            "X-DTLS12-CipherSuite ECDHE-RSA-AES256-GCM-SHA384");
  // A name is matched whole, and only in the header it belongs to.
  EXPECT_EQ(pick("XOC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES256-GCMX", std::nullopt), "none");
  EXPECT_EQ(pick("AES256-GCM-SHA384", "OC-DTLS1_2-AES256-GCM"), "none");
  EXPECT_EQ(pick("", ""), "none");
}

TEST(ConnectReply, LegacyDtlsNamesTheSessionAndTheSuite) {
  TunnelParams p;
  p.dtls_app_id = std::string(64, 'b');
  p.dtls_port = 443;
  p.dpd_seconds = 30;
  p.legacy_dtls_suite = chooseLegacyDtlsSuite(std::nullopt, "AES256-GCM-SHA384");
  std::string r = buildConnectReply(p);
  EXPECT_NE(r.find("\r\nX-DTLS-Session-ID: " + std::string(64, 'b') + "\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS12-CipherSuite: AES256-GCM-SHA384\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS-Port: 443\r\n"), std::string::npos);
  EXPECT_NE(r.find("\r\nX-DTLS-DPD: 30\r\n"), std::string::npos);
  EXPECT_EQ(r.find("X-DTLS-App-ID"), std::string::npos);
  EXPECT_EQ(r.find("PSK-NEGOTIATE"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::anyconnect
