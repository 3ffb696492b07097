#include "proto/anyconnect/connect_reply.h"

#include <gtest/gtest.h>

namespace bulwark::anyconnect {
namespace {

http::Request connectRequest(std::string_view headers) {
  auto r = http::parseRequest("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n" + std::string(headers) + "\r\n");
  EXPECT_TRUE(r && r->request);
  return *r->request;
}

TEST(ConnectRequest, ReadsCookieAndHints) {
  auto c = parseConnectRequest(connectRequest(
      "Cookie: webvpn=abc_DEF-123\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1390\r\n"
      "X-CSTP-Address: 192.168.99.106\r\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cookie.view(), "abc_DEF-123");
  EXPECT_EQ(c->base_mtu, 1500u);
  EXPECT_EQ(c->mtu, 1390u);
  EXPECT_EQ(c->previous_address, "192.168.99.106");
}

TEST(ConnectRequest, RefusesMalformedValues) {
  EXPECT_FALSE(parseConnectRequest(connectRequest("Cookie: webvpn=a\"b\r\n")));
  EXPECT_FALSE(parseConnectRequest(connectRequest("Cookie: webvpn=" + std::string(200, 'a') + "\r\n")));
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
  p.mtu = 1400;
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
            "X-CSTP-Base-MTU: 1500\r\n"
            "X-CSTP-MTU: 1400\r\n"
            "\r\n");
}

TEST(ConnectReply, NeverOffersDtlsOrCompression) {
  std::string r = buildConnectReply(TunnelParams{});
  EXPECT_EQ(r.find("X-DTLS"), std::string::npos);
  EXPECT_EQ(r.find("Content-Encoding"), std::string::npos);
}

}  // namespace
}  // namespace bulwark::anyconnect
