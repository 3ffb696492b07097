// Config: the gateway's TOML configuration (docs/examples/bulwark.toml lists
// every key with its default). Every error names the file and line:
//   "bulwark.toml:12: network.pool: prefix must be between 8 and 30"
// Unknown sections and keys are errors, so a typo never silently falls back
// to a default.
//
//   auto cfg = loadConfig("/etc/bulwark/bulwark.toml");
//   if (!cfg) { std::cerr << cfg.error().message; return 1; }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::config {

struct ServerConfig {
  std::string listen = "0.0.0.0";
  std::uint16_t port = 443;
  std::string cert;
  std::string key;
  std::string users_file = "/etc/bulwark/users";
  unsigned max_clients = 1024;
  unsigned max_sessions_per_user = 2;
  std::string worker_user = "nobody";
  std::string worker_launch =
      "fork";  // "fork": from the worker zygote; "exec": fresh per connection
  std::string worker_group;
  std::string runtime_dir = "/run/bulwark";
  std::string admin_group;
  bool dtls = true;  // UDP on the same port: DTLS 1.2, PSK-NEGOTIATE or legacy
  std::string state_dir = "/var/lib/bulwark";  // persisted mitigation policy
};

struct NetworkConfig {
  std::uint32_t pool_network = 0;  // host byte order
  unsigned pool_prefix = 24;
  std::vector<std::string> dns;
  std::string default_domain;
  std::vector<std::string> split_include;  // normalized "a.b.c.d/m.m.m.m"
  unsigned mtu = 0;                        // 0: "auto", from each client's path (main/tunnel_mtu.h)
  unsigned rx_coalesce_us = 100;           // worker/wake_moderation.h; 0 = off
  bool ack_thinning = true;                // packet/ack_thinning.h
  unsigned dtls_inflight_kib = 64;         // packet/inflight_gate.h; 0 = off
  [[nodiscard]] std::uint32_t gatewayAddress() const { return pool_network + 1; }
  [[nodiscard]] std::string netmask() const;
};

struct TimeoutConfig {
  unsigned dpd = 90;
  unsigned keepalive = 32400;
  unsigned idle = 0;
  unsigned session = 0;
  unsigned cookie = 300;
  unsigned auth = 120;
};

struct AuthConfig {
  std::string totp_file = "/etc/bulwark/totp";
  bool mfa_required = false;   // mfa = "required": users without TOTP cannot log in
  unsigned max_failures = 5;   // failures before the back-off starts (per account, per address)
  unsigned backoff = 30;       // first back-off, seconds; doubles per further failure
  unsigned backoff_max = 900;  // longest back-off, seconds
};

struct AuditConfig {
  std::string file = "/var/log/bulwark/audit.jsonl";  // hash-chained JSON lines, mode 0600
  std::string syslog_address;  // collector for RFC 5424 over TCP; empty = none
  std::uint16_t syslog_port = 514;
  std::string hostname;  // HOSTNAME in syslog messages; default: gethostname()
  // Longest time a written record waits for fdatasync, in milliseconds; 0 =
  // after every record. A record is in the file (the page cache) at once, so
  // only a kernel crash or power loss within this time can lose it.
  unsigned sync_ms = 1000;
  // TLS to the collector, made and verified by bulwark-logship. The CA file
  // (PEM) is required with TLS: the collector's chain must end at it. The
  // client certificate (chain, PEM) and its key are optional but go together.
  // The server name (DNS name or IP) is what the collector's certificate must
  // carry; default: the collector's address, as an IP SAN.
  bool syslog_tls = false;
  std::string syslog_ca;
  std::string syslog_cert;
  std::string syslog_key;
  std::string syslog_server_name;
  bool operator==(const AuditConfig&) const = default;
};

struct IntegrityConfig {
  std::string release_pubkey;  // Ed25519 public key (PEM) that signs mitigation policies
  bool operator==(const IntegrityConfig&) const = default;
};

struct Config {
  IntegrityConfig integrity;
  AuditConfig audit;
  ServerConfig server;
  NetworkConfig network;
  TimeoutConfig timeouts;
  AuthConfig auth;
};

Result<Config> parseConfig(std::string_view toml_text, std::string_view source_name);
Result<Config> loadConfig(const std::string& path);

// Parses "a.b.c.d/len" into network (host order) + prefix; the address must
// be the network address. Shared with the config's route lists.
Result<std::pair<std::uint32_t, unsigned>> parseIpv4Cidr(std::string_view text);
std::string formatNetmask(unsigned prefix);

}  // namespace bulwark::config
