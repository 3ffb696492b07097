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
  EXPECT_EQ(c->network.mtu, 0u);  // "auto"
  EXPECT_EQ(c->network.rx_coalesce_us, 100u);
  EXPECT_TRUE(c->network.ack_thinning);
  EXPECT_EQ(c->network.dtls_inflight_kib, 64u);
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

TEST(Config, RxCoalesceIsMicrosecondsUpToOneMillisecondAndZeroTurnsItOff) {
  auto off = parseConfig(std::string(kMinimal) + "rx_coalesce_us = 0\n", "b.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->network.rx_coalesce_us, 0u);
  auto most = parseConfig(std::string(kMinimal) + "rx_coalesce_us = 1000\n", "b.toml");
  ASSERT_TRUE(most) << most.error().message;
  EXPECT_EQ(most->network.rx_coalesce_us, 1000u);
  EXPECT_EQ(errorOf(std::string(kMinimal) + "rx_coalesce_us = 1001\n"),
            "b.toml:6: network.rx_coalesce_us: must be between 0 and 1000, got 1001");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "rx_coalesce_us = -1\n"),
            "b.toml:6: network.rx_coalesce_us: must be between 0 and 1000, got -1");
  EXPECT_TRUE(errorOf(std::string(kMinimal) + "rx_coalesce_us = \"100us\"\n")
                  .starts_with("b.toml:6: network.rx_coalesce_us: "));
}

TEST(Config, DtlsInflightIsKibibytesUpTo16MiBAndZeroTurnsItOff) {
  auto off = parseConfig(std::string(kMinimal) + "dtls_inflight_kib = 0\n", "b.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->network.dtls_inflight_kib, 0u);
  auto most = parseConfig(std::string(kMinimal) + "dtls_inflight_kib = 16384\n", "b.toml");
  ASSERT_TRUE(most) << most.error().message;
  EXPECT_EQ(most->network.dtls_inflight_kib, 16384u);
  EXPECT_EQ(errorOf(std::string(kMinimal) + "dtls_inflight_kib = 16385\n"),
            "b.toml:6: network.dtls_inflight_kib: must be between 0 and 16384, got 16385");
  EXPECT_TRUE(errorOf(std::string(kMinimal) + "dtls_inflight_kib = \"64k\"\n")
                  .starts_with("b.toml:6: network.dtls_inflight_kib: "));
}

TEST(Config, AckThinningIsABoolean) {
  auto off = parseConfig(std::string(kMinimal) + "ack_thinning = false\n", "b.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_FALSE(off->network.ack_thinning);
  EXPECT_TRUE(errorOf(std::string(kMinimal) + "ack_thinning = \"no\"\n")
                  .starts_with("b.toml:6: network.ack_thinning: "));
  EXPECT_TRUE(errorOf(std::string(kMinimal) + "ack_thinning = 0\n")
                  .starts_with("b.toml:6: network.ack_thinning: "));
}

TEST(Config, ErrorsNameFileAndLine) {
  EXPECT_TRUE(errorOf("[server]\ncert = \"x\"\nkey = \n").starts_with("b.toml:3: "));
  EXPECT_EQ(errorOf(std::string(kMinimal) + "colour = 1\n"),
            "b.toml:6: unknown key network.colour");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "[typo]\nx = 1\n"), "b.toml:6: unknown section [typo]");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "mtu = \"big\"\n"),
            "b.toml:6: network.mtu: must be \"auto\" or an integer between 576 and 9000");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "mtu = 575\n"),
            "b.toml:6: network.mtu: must be between 576 and 9000, got 575");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "mtu = true\n"),
            "b.toml:6: network.mtu: must be \"auto\" or an integer between 576 and 9000");
  EXPECT_EQ(errorOf(std::string(kMinimal) + "mtu = 1400.5\n"),
            "b.toml:6: network.mtu: must be \"auto\" or an integer between 576 and 9000");
  EXPECT_EQ(
      errorOf(
          "[server]\ncert = \"c\"\nkey = \"k\"\nport = 70000\n[network]\npool = \"10.0.0.0/24\"\n"),
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

TEST(Config, WorkerLaunchIsForkOrExec) {
  const char* base = "[network]\npool=\"10.0.0.0/24\"\n[server]\ncert=\"c\"\nkey=\"k\"\n";
  auto dflt = parseConfig(base, "t.toml");
  ASSERT_TRUE(dflt) << dflt.error().message;
  EXPECT_EQ(dflt->server.worker_launch, "fork");
  EXPECT_EQ(
      parseConfig(std::string(base) + "worker_launch = \"exec\"\n", "t.toml")->server.worker_launch,
      "exec");
  auto bad = parseConfig(std::string(base) + "worker_launch = \"spawn\"\n", "t.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("t.toml:6: server.worker_launch: must be \"fork\""),
            std::string::npos)
      << bad.error().message;
}

TEST(Config, MtuIsAutoOrAFixedValue) {
  auto fixed = parseConfig(std::string(kMinimal) + "mtu = 1300\n", "b.toml");
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->network.mtu, 1300u);
  auto automatic = parseConfig(std::string(kMinimal) + "mtu = \"auto\"\n", "b.toml");
  ASSERT_TRUE(automatic) << automatic.error().message;
  EXPECT_EQ(automatic->network.mtu, 0u);
}

TEST(Config, AuditSyslogEndpoint) {
  const char* base = "[server]\ncert=\"c\"\nkey=\"k\"\n[network]\npool=\"10.0.0.0/24\"\n[audit]\n";
  auto v4 = parseConfig(std::string(base) + "syslog = \"192.0.2.10:6514\"\n", "t.toml");
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(v4->audit.syslog_address, "192.0.2.10");
  EXPECT_EQ(v4->audit.syslog_port, 6514);
  auto v6 = parseConfig(std::string(base) + "syslog = \"[2001:db8::1]:514\"\n", "t.toml");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->audit.syslog_address, "2001:db8::1");
  EXPECT_TRUE(
      parseConfig(std::string(base) + "syslog = \"\"\n", "t.toml")->audit.syslog_address.empty());
  auto name = parseConfig(std::string(base) + "syslog = \"logs.example:514\"\n", "t.toml");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().message, "t.toml:7: audit.syslog: 'logs.example' is not an IP address");
  EXPECT_FALSE(parseConfig(std::string(base) + "syslog = \"192.0.2.10:0\"\n", "t.toml"));
  EXPECT_FALSE(parseConfig(std::string(base) + "syslog = \"192.0.2.10\"\n", "t.toml"));
}

}  // namespace
}  // namespace bulwark::config

namespace bulwark::config {
namespace {

// [audit] starts on line 6, so the first audit key is on line 7.
std::string auditConfig(std::string_view audit_lines) {
  return "[server]\ncert=\"c\"\nkey=\"k\"\n[network]\npool=\"10.0.0.0/24\"\n[audit]\n" +
         std::string(audit_lines);
}

TEST(Config, AuditSyncMsDefaultsToOneSecondAndIsBounded) {
  auto def = parseConfig(auditConfig(""), "t.toml");
  ASSERT_TRUE(def) << def.error().message;
  EXPECT_EQ(def->audit.sync_ms, 1000u);
  auto every = parseConfig(auditConfig("sync_ms = 0\n"), "t.toml");
  ASSERT_TRUE(every) << every.error().message;
  EXPECT_EQ(every->audit.sync_ms, 0u);
  auto big = parseConfig(auditConfig("sync_ms = 600000\n"), "t.toml");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("t.toml:7: audit.sync_ms"), std::string::npos)
      << big.error().message;
  EXPECT_FALSE(parseConfig(auditConfig("sync_ms = -1\n"), "t.toml"));
  EXPECT_FALSE(parseConfig(auditConfig("sync_ms = \"fast\"\n"), "t.toml"));
}

TEST(Config, AuditSyslogTlsKeys) {
  auto plain = parseConfig(auditConfig("syslog = \"192.0.2.10:514\"\n"), "t.toml");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->audit.syslog_tls);
  EXPECT_TRUE(plain->audit.syslog_ca.empty());
  auto tls = parseConfig(auditConfig("syslog = \"192.0.2.10:6514\"\nsyslog_tls = true\n"
                                     "syslog_ca = \"/etc/bulwark/ca.pem\"\n"
                                     "syslog_cert = \"/etc/bulwark/c.pem\"\n"
                                     "syslog_key = \"/etc/bulwark/k.pem\"\n"
                                     "syslog_server_name = \"logs.example.com\"\n"),
                         "t.toml");
  ASSERT_TRUE(tls) << tls.error().message;
  EXPECT_TRUE(tls->audit.syslog_tls);
  EXPECT_EQ(tls->audit.syslog_ca, "/etc/bulwark/ca.pem");
  EXPECT_EQ(tls->audit.syslog_cert, "/etc/bulwark/c.pem");
  EXPECT_EQ(tls->audit.syslog_key, "/etc/bulwark/k.pem");
  EXPECT_EQ(tls->audit.syslog_server_name, "logs.example.com");
  auto by_ip = parseConfig(auditConfig("syslog = \"192.0.2.10:6514\"\nsyslog_tls = true\n"
                                       "syslog_ca = \"/ca\"\n"
                                       "syslog_server_name = \"2001:db8::1\"\n"),
                           "t.toml");
  ASSERT_TRUE(by_ip) << by_ip.error().message;
  EXPECT_EQ(by_ip->audit.syslog_server_name, "2001:db8::1");
}

TEST(Config, AuditSyslogTlsErrorsNameFileAndLine) {
  auto err = [](std::string_view audit_lines) {
    auto c = parseConfig(auditConfig(audit_lines), "t.toml");
    return c ? "" : c.error().message;
  };
  const std::string ep = "syslog = \"192.0.2.10:6514\"\n";
  EXPECT_EQ(err(ep + "syslog_tls = true\n"),
            "t.toml:8: audit.syslog_tls: needs audit.syslog_ca (the CA that signs the collector's "
            "certificate)");
  EXPECT_EQ(err("syslog_tls = true\nsyslog_ca = \"/ca\"\n"),
            "t.toml:7: audit.syslog_tls: needs audit.syslog (the collector's address)");
  EXPECT_EQ(err(ep + "syslog_tls = true\nsyslog_ca = \"/ca\"\nsyslog_cert = \"/c\"\n"),
            "t.toml:10: audit.syslog_cert: needs audit.syslog_key");
  EXPECT_EQ(err(ep + "syslog_tls = true\nsyslog_ca = \"/ca\"\nsyslog_key = \"/k\"\n"),
            "t.toml:10: audit.syslog_key: needs audit.syslog_cert");
  EXPECT_EQ(err(ep + "syslog_ca = \"/ca\"\n"),
            "t.toml:8: audit.syslog_ca: only used with syslog_tls = true");
  EXPECT_EQ(err(ep + "syslog_tls = false\nsyslog_server_name = \"x\"\n"),
            "t.toml:9: audit.syslog_server_name: only used with syslog_tls = true");
  EXPECT_EQ(err(ep + "syslog_tls = \"yes\"\n"),
            "t.toml:8: audit.syslog_tls: expected true or false");
  EXPECT_EQ(err(ep + "syslog_ca = 5\n"), "t.toml:8: audit.syslog_ca: expected a string");
  EXPECT_EQ(err(ep + "syslog_tls = true\nsyslog_ca = \"/ca\"\nsyslog_server_name = \"bad name\"\n"),
            "t.toml:10: audit.syslog_server_name: 'bad name' is not a DNS name or IP address");
  EXPECT_EQ(err(ep + "syslog_tls = true\nsyslog_ca = \"/ca\"\nsyslog_server_name = \".x\"\n"),
            "t.toml:10: audit.syslog_server_name: '.x' is not a DNS name or IP address");
}

}  // namespace
}  // namespace bulwark::config
