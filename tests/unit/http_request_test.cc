#include "proto/http/request.h"

#include <gtest/gtest.h>

namespace bulwark::http {
namespace {

// The real openconnect 9.01 first request (anyconnect.md 2.1), shortened body.
constexpr std::string_view kClientInit =
    "POST / HTTP/1.1\r\n"
    "Host: 10.200.0.1\r\n"
    "User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
    "Accept: */*\r\n"
    "Accept-Encoding: identity\r\n"
    "X-Transcend-Version: 1\r\n"
    "X-Aggregate-Auth: 1\r\n"
    "X-Support-HTTP-Auth: true\r\n"
    "X-Pad: 0000000000000000000\r\n"
    "Content-Type: application/xml; charset=utf-8\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "<x/>\n";

int statusOf(std::string_view in) {
  auto r = parseRequest(in);
  return r ? 0 : r.error().status;
}

TEST(HttpRequest, ParsesTheClientsFirstPost) {
  auto r = parseRequest(kClientInit);
  ASSERT_TRUE(r) << r.error().detail;
  ASSERT_TRUE(r->request);
  EXPECT_EQ(r->request->method, Method::kPost);
  EXPECT_EQ(r->request->path, "/");
  EXPECT_EQ(r->request->body, "<x/>\n");
  EXPECT_EQ(r->consumed, kClientInit.size());
  EXPECT_EQ(r->request->header("x-aggregate-auth"), "1");
}

TEST(HttpRequest, NeedsMoreBytesUntilHeadAndBodyAreComplete) {
  for (std::size_t cut : {0ul, 10ul, kClientInit.size() - 6, kClientInit.size() - 1}) {
    auto r = parseRequest(kClientInit.substr(0, cut));
    ASSERT_TRUE(r) << cut;
    EXPECT_FALSE(r->request) << cut;
  }
}

TEST(HttpRequest, LeavesPipelinedBytesForTheNextCall) {
  std::string two = std::string(kClientInit) + "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n\r\n";
  auto r = parseRequest(two);
  ASSERT_TRUE(r && r->request);
  auto next = parseRequest(std::string_view(two).substr(r->consumed));
  ASSERT_TRUE(next && next->request);
  EXPECT_EQ(next->request->method, Method::kConnect);
  EXPECT_EQ(next->request->path, "/CSCOSSLC/tunnel");
}

TEST(HttpRequest, RefusesPathTricks) {
  for (std::string_view target : {"/../etc/passwd", "/%2e%2e/", "/a\\b", "/a;b", "//etc",
                                  "/a/../b", "relative", "/\x01", "/caf\xc3\xa9"}) {
    std::string req = "GET " + std::string(target) + " HTTP/1.1\r\n\r\n";
    EXPECT_EQ(statusOf(req), 400) << target;
  }
}

TEST(HttpRequest, QueryIsSplitOffAndNotPartOfThePath) {
  auto r = parseRequest("GET /x?/../../etc HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r && r->request);
  EXPECT_EQ(r->request->path, "/x");
  EXPECT_EQ(r->request->query, "/../../etc");
}

TEST(HttpRequest, SizeLimits) {
  std::string big = "GET / HTTP/1.1\r\nX: " + std::string(kMaxHeaderBytes, 'a') + "\r\n\r\n";
  EXPECT_EQ(statusOf(big), 431);
  std::string endless = "GET / HTTP/1.1\r\nX: " + std::string(kMaxHeaderBytes, 'a');
  EXPECT_EQ(statusOf(endless), 431);  // refused before the blank line arrives
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n"), 413);
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"), 413);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i <= static_cast<int>(kMaxHeaders); ++i) many += "X: y\r\n";
  EXPECT_EQ(statusOf(many + "\r\n"), 431);
}

TEST(HttpRequest, RefusesBadFraming) {
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx"), 400);
  EXPECT_EQ(statusOf("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
  EXPECT_EQ(statusOf("GET / HTTP/1.1\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("GET / HTTP/1.1\r\nno colon\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("GET  / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(statusOf("GET / HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(statusOf("DELETE / HTTP/1.1\r\n\r\n"), 501);
}

TEST(HttpRequest, CookieValueByExactName) {
  auto r = parseRequest(
      "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
      "Cookie: webvpncontext=abc; webvpn=TOKEN-1_x; other=1\r\n\r\n");
  ASSERT_TRUE(r && r->request);
  EXPECT_EQ(cookieValue(*r->request, "webvpn"), "TOKEN-1_x");
  EXPECT_EQ(cookieValue(*r->request, "WEBVPN"), std::nullopt);
  EXPECT_EQ(cookieValue(*r->request, "missing"), std::nullopt);
}

}  // namespace
}  // namespace bulwark::http
