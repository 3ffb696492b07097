#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bulwark::config {
namespace {

constexpr std::string_view kMinimal =
    "[server]\n"
    "cert = \"/c.pem\"\n"
    "key = \"/k.pem\"\n"
    "[network]\n"
    "pool = \"192.168.99.0/24\"\n";

std::string errorOf(std::string_view text) {
  auto c = parseConfig(text, "b.toml");
  return c ? "" : c.error().message;
}

TEST(Config, TheDocumentedExampleParses) {
  std::ifstream in(std::string(BULWARK_TEST_DATA_DIR) + "/../../docs/examples/bulwark.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = parseConfig(ss.str(), "bulwark.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server.port, 443);
  EXPECT_EQ(c->network.netmask(), "255.255.255.0");
  EXPECT_EQ(c->timeouts.cookie, 300u);
}

TEST(Config, MinimalConfigGetsDefaultsAndTheGatewayIsTheFirstHost) {
  auto c = parseConfig(kMinimal, "b.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server.listen, "0.0.0.0");
  EXPECT_EQ(c->network.pool_prefix, 24u);
  EXPECT_EQ(c->network.gatewayAddress(), 0xC0A86301u);
  EXPECT_EQ(c->network.mtu, 1400u);
  EXPECT_EQ(c->timeouts.dpd, 90u);
}

TEST(Config, SplitRoutesAreNormalizedAndDnsValidated) {
  auto c = parseConfig(std::string(kMinimal) +
                           "split_include = [\"10.0.0.0/8\", \"172.16.0.0/12\"]\n"
                           "dns = [\"192.168.99.1\", \"fd00::1\"]\n",
                       "b.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->network.split_include,
            (std::vector<std::string>{"10.0.0.0/255.0.0.0", "172.16.0.0/255.240.0.0"}));
  EXPECT_EQ(c->network.dns.size(), 2u);
}

TEST(Config, ErrorsNameFileAndLine) {
  EXPECT_TRUE(errorOf("[server]\ncert = \"x\"\nkey = \n").starts_with("b.toml:3: "));
  EXPECT_EQ(errorOf(std::string(kMinimal) + "colour = 1\n"),
            "b.toml:6: unknown key network.colour");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "[typo]\nx = 1\n"), "b.toml:6: unknown section [typo]");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "mtu = \"big\"\n"), "b.toml:6: network.mtu: expected an integer");
  EXPECT_EQ(errorOf("[server]\ncert = \"c\"\nkey = \"k\"\nport = 70000\n[network]\npool = \"10.0.0.0/24\"\n"),
            "b.toml:4: server.port: must be between 1 and 65535, got 70000");
  EXPECT_EQ(errorOf("[server]\ncert = \"c\"\nkey = \"k\"\n[network]\npool = \"10.0.0.0/31\"\n"),
            "b.toml:5: network.pool: prefix must be between 8 and 30, got 31");
  EXPECT_EQ(errorOf("[server]\ncert = \"c\"\nkey = \"k\"\n[network]\npool = \"10.0.0.1/24\"\n"),
            "b.toml:5: network.pool: '10.0.0.1/24' has host bits set");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "split_include = [\"10.0.0.0\"]\n"),
            "b.toml:6: network.split_include: '10.0.0.0' is not address/prefix");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "dns = [\"dns.example\"]\n"),
            "b.toml:6: network.dns: 'dns.example' is not an IP address");
  EXPECT_EQ(errorOf("[server]\nlisten = \"anywhere\"\n"),
            "b.toml:2: server.listen: 'anywhere' is not an IP address");
}

TEST(Config, RequiredKeys) {
  EXPECT_EQ(errorOf("[network]\npool = \"10.0.0.0/24\"\n"), "b.toml: server.cert is required");
  EXPECT_EQ(errorOf("[server]\ncert = \"c\"\nkey = \"k\"\n"), "b.toml: network.pool is required");
}

TEST(Config, MissingFileIsAClearError) {
  auto c = loadConfig("/nonexistent/bulwark.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "/nonexistent/bulwark.toml: cannot read the configuration file");
}

}  // namespace
}  // namespace bulwark::config

namespace bulwark::config {
namespace {

TEST(Config, AuditSyslogEndpoint) {
  const char* base = "[server]\ncert=\"c\"\nkey=\"k\"\n[network]\npool=\"10.0.0.0/24\"\n[audit]\n";
  auto v4 = parseConfig(std::string(base) + "syslog = \"192.0.2.10:6514\"\n", "t.toml");
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(v4->audit.syslog_address, "192.0.2.10");
  EXPECT_EQ(v4->audit.syslog_port, 6514);
  auto v6 = parseConfig(std::string(base) + "syslog = \"[2001:db8::1]:514\"\n", "t.toml");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->audit.syslog_address, "2001:db8::1");
  EXPECT_TRUE(parseConfig(std::string(base) + "syslog = \"\"\n", "t.toml")->audit.syslog_address.empty());
  auto name = parseConfig(std::string(base) + "syslog = \"logs.example:514\"\n", "t.toml");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().message, "t.toml:7: audit.syslog: 'logs.example' is not an IP address");
  EXPECT_FALSE(parseConfig(std::string(base) + "syslog = \"192.0.2.10:0\"\n", "t.toml"));
  EXPECT_FALSE(parseConfig(std::string(base) + "syslog = \"192.0.2.10\"\n", "t.toml"));
}

}  // namespace
}  // namespace bulwark::config
