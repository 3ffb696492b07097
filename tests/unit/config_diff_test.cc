#include "config/config_diff.h"

#include <gtest/gtest.h>

namespace bulwark::config {
namespace {

Config base() {
  auto c = parseConfig(
      "[server]\ncert = \"/c.pem\"\nkey = \"/k.pem\"\n"
      "[network]\npool = \"192.168.99.0/24\"\ndns = [\"192.168.99.1\"]\n",
      "b.toml");
  EXPECT_TRUE(c);
  return *c;
}

using Keys = std::vector<std::string>;

TEST(ConfigDiff, IdenticalConfigsDifferNowhere) { EXPECT_TRUE(diffConfig(base(), base()).empty()); }

TEST(ConfigDiff, SessionAndLoginSettingsAreLive) {
  Config next = base();
  next.network.dns = {"10.0.0.53"};
  next.network.mtu = 1300;
  next.network.rx_coalesce_us = 0;
  next.network.ack_thinning = false;
  next.network.dtls_inflight_kib = 0;
  next.auth.max_failures = 1;
  next.auth.mfa_required = true;
  next.timeouts.session = 3600;
  next.server.max_sessions_per_user = 5;
  auto d = diffConfig(base(), next);
  EXPECT_EQ(d.live,
            (Keys{"server.max_sessions_per_user", "network.dns", "network.mtu",
                  "network.rx_coalesce_us", "network.ack_thinning", "network.dtls_inflight_kib",
                  "timeouts.session", "auth.mfa", "auth.max_failures"}));
  EXPECT_TRUE(d.restart_only.empty());
}

TEST(ConfigDiff, ListenerCertPoolAuditAndIntegrityNeedARestart) {
  Config next = base();
  next.server.port = 8443;
  next.server.cert = "/other.pem";
  next.network.pool_network += 256;
  next.network.pool_prefix = 23;
  next.audit.syslog_address = "127.0.0.1";
  next.integrity.release_pubkey = "/k.pub";
  next.server.dtls = false;
  auto d = diffConfig(base(), next);
  EXPECT_EQ(d.restart_only, (Keys{"server.port", "server.cert", "server.dtls", "network.pool",
                                  "audit", "integrity"}));
  EXPECT_TRUE(d.live.empty());
}

}  // namespace
}  // namespace bulwark::config
