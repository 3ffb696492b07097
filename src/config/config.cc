#include "config/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace bulwark::config {
namespace {

constexpr unsigned kMaxTimeout = 30 * 24 * 3600;

// Where a problem is, as "file:line: ".
struct Locator {
  std::string file;
  std::string at(const toml::node& n) const {
    return file + ":" + std::to_string(n.source().begin.line) + ": ";
  }
};

using Setter = std::function<Result<void>(const toml::node&, const std::string& key)>;

Result<void> typeError(const std::string& key, const char* want) {
  return fail(key + ": expected " + want);
}

Setter stringKey(std::string& out) {
  return [&out](const toml::node& n, const std::string& key) -> Result<void> {
    if (!n.is_string()) return typeError(key, "a string");
    out = n.value<std::string>().value_or("");
    return {};
  };
}

Setter boolKey(bool& out) {
  return [&out](const toml::node& n, const std::string& key) -> Result<void> {
    if (!n.is_boolean()) return typeError(key, "true or false");
    out = n.value<bool>().value_or(false);
    return {};
  };
}

Setter uintKey(unsigned& out, std::int64_t lo, std::int64_t hi) {
  return [&out, lo, hi](const toml::node& n, const std::string& key) -> Result<void> {
    if (!n.is_integer()) return typeError(key, "an integer");
    std::int64_t v = n.value<std::int64_t>().value_or(-1);
    if (v < lo || v > hi)
      return fail(key + ": must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                  ", got " + std::to_string(v));
    out = static_cast<unsigned>(v);
    return {};
  };
}

Setter checkedStringKey(std::string& out,
                        std::function<Result<std::string>(std::string_view)> check) {
  return [&out, check](const toml::node& n, const std::string& key) -> Result<void> {
    if (!n.is_string()) return typeError(key, "a string");
    auto v = check(n.value<std::string>().value_or(""));
    if (!v) return fail(key + ": " + v.error().message);
    out = *v;
    return {};
  };
}

Setter stringListKey(std::vector<std::string>& out,
                     std::function<Result<std::string>(std::string_view)> check) {
  return [&out, check](const toml::node& n, const std::string& key) -> Result<void> {
    const toml::array* arr = n.as_array();
    if (arr == nullptr) return typeError(key, "an array of strings");
    out.clear();
    for (const auto& item : *arr) {
      if (!item.is_string()) return typeError(key, "an array of strings");
      auto v = check(item.value<std::string>().value_or(""));
      if (!v) return fail(key + ": " + v.error().message);
      out.push_back(*v);
    }
    return {};
  };
}

Result<std::string> ipLiteral(std::string_view s) {
  std::string str(s);
  unsigned char buf[16];
  if (inet_pton(AF_INET, str.c_str(), buf) == 1 || inet_pton(AF_INET6, str.c_str(), buf) == 1)
    return str;
  return fail("'" + str + "' is not an IP address");
}

// "192.0.2.10:514" or "[2001:db8::1]:514": a numeric address and a port.
Result<std::pair<std::string, std::uint16_t>> parseEndpoint(std::string_view s) {
  std::string host, port;
  if (!s.empty() && s.front() == '[') {
    auto close = s.find("]:");
    if (close == std::string_view::npos) return fail("'" + std::string(s) + "' is not [IPv6]:port");
    host = std::string(s.substr(1, close - 1));
    port = std::string(s.substr(close + 2));
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos)
      return fail("'" + std::string(s) + "' is not address:port");
    host = std::string(s.substr(0, colon));
    port = std::string(s.substr(colon + 1));
  }
  if (auto ip = ipLiteral(host); !ip) return fail(ip.error());
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
      std::stoul(port) > 65535)
    return fail("'" + port + "' is not a port");
  return std::pair{host, static_cast<std::uint16_t>(std::stoul(port))};
}

// What the collector's certificate must name: an IP literal, or a DNS name
// of letters, digits, '-' and '.' (RFC 1123), at most 253 characters; ""
// for the default (the collector's address).
Result<std::string> serverName(std::string_view s) {
  if (s.empty() || ipLiteral(s)) return std::string(s);
  constexpr std::string_view kDnsChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";
  if (s.empty() || s.size() > 253 || s.find_first_not_of(kDnsChars) != std::string_view::npos ||
      s.front() == '.' || s.front() == '-')
    return fail("'" + std::string(s) + "' is not a DNS name or IP address");
  return std::string(s);
}

Result<std::string> route(std::string_view s) {
  auto cidr = parseIpv4Cidr(s);
  if (!cidr) return fail(cidr.error());
  in_addr a{htonl(cidr->first)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof(buf));
  return std::string(buf) + "/" + formatNetmask(cidr->second);
}

Result<std::string> workerLaunch(std::string_view s) {
  if (s == "fork" || s == "exec") return std::string(s);
  return fail(
      "must be \"fork\" (workers forked by a sandboxed zygote) or \"exec\" (a fresh "
      "process per connection), got \"" +
      std::string(s) + "\"");
}

struct Section {
  std::map<std::string, Setter> keys;
};

std::map<std::string, Section> schema(Config& c) {
  auto& s = c.server;
  auto& n = c.network;
  auto& t = c.timeouts;
  auto& a = c.auth;
  return {
      {"server",
       {{{"listen", checkedStringKey(s.listen, ipLiteral)},
         {"port",
          [&s](const toml::node& node, const std::string& key) -> Result<void> {
            unsigned p = 0;
            if (auto r = uintKey(p, 1, 65535)(node, key); !r) return r;
            s.port = static_cast<std::uint16_t>(p);
            return {};
          }},
         {"cert", stringKey(s.cert)},
         {"key", stringKey(s.key)},
         {"users_file", stringKey(s.users_file)},
         {"max_clients", uintKey(s.max_clients, 0, 1000000)},
         {"max_sessions_per_user", uintKey(s.max_sessions_per_user, 0, 10000)},
         {"worker_user", stringKey(s.worker_user)},
         {"worker_launch", checkedStringKey(s.worker_launch, workerLaunch)},
         {"worker_group", stringKey(s.worker_group)},
         {"runtime_dir", stringKey(s.runtime_dir)},
         {"admin_group", stringKey(s.admin_group)},
         {"dtls", boolKey(s.dtls)},
         {"state_dir", stringKey(s.state_dir)}}}},
      {"network",
       {{{"pool",
          [&n](const toml::node& node, const std::string& key) -> Result<void> {
            if (!node.is_string()) return typeError(key, "a string like \"192.168.99.0/24\"");
            auto cidr = parseIpv4Cidr(node.value<std::string>().value_or(""));
            if (!cidr) return fail(key + ": " + cidr.error().message);
            if (cidr->second < 8 || cidr->second > 30)
              return fail(key + ": prefix must be between 8 and 30, got " +
                          std::to_string(cidr->second));
            n.pool_network = cidr->first;
            n.pool_prefix = cidr->second;
            return {};
          }},
         {"dns", stringListKey(n.dns, ipLiteral)},
         {"default_domain", stringKey(n.default_domain)},
         {"split_include", stringListKey(n.split_include, route)},
         {"mtu",
          [&n](const toml::node& node, const std::string& key) -> Result<void> {
            if (node.is_integer()) return uintKey(n.mtu, 576, 9000)(node, key);
            if (node.is_string() && node.value<std::string>().value_or("") == "auto") {
              n.mtu = 0;
              return {};
            }
            return fail(key + ": must be \"auto\" or an integer between 576 and 9000");
          }},
         {"rx_coalesce_us", uintKey(n.rx_coalesce_us, 0, 1000)},
         {"ack_thinning", boolKey(n.ack_thinning)},
         {"dtls_inflight_kib", uintKey(n.dtls_inflight_kib, 0, 16384)}}}},
      {"timeouts",
       {{{"dpd", uintKey(t.dpd, 0, kMaxTimeout)},
         {"keepalive", uintKey(t.keepalive, 0, kMaxTimeout)},
         {"idle", uintKey(t.idle, 0, kMaxTimeout)},
         {"session", uintKey(t.session, 0, kMaxTimeout)},
         {"cookie", uintKey(t.cookie, 1, kMaxTimeout)},
         {"auth", uintKey(t.auth, 5, 3600)}}}},
      {"integrity", {{{"release_pubkey", stringKey(c.integrity.release_pubkey)}}}},
      {"audit",
       {{{"file", stringKey(c.audit.file)},
         {"syslog",
          [&c](const toml::node& node, const std::string& key) -> Result<void> {
            if (!node.is_string()) return typeError(key, "a string like \"192.0.2.10:514\"");
            std::string text = node.value<std::string>().value_or("");
            if (text.empty()) {
              c.audit.syslog_address.clear();
              return {};
            }
            auto ep = parseEndpoint(text);
            if (!ep) return fail(key + ": " + ep.error().message);
            c.audit.syslog_address = ep->first;
            c.audit.syslog_port = ep->second;
            return {};
          }},
         {"hostname", stringKey(c.audit.hostname)},
         {"sync_ms", uintKey(c.audit.sync_ms, 0, 60000)},
         {"syslog_tls", boolKey(c.audit.syslog_tls)},
         {"syslog_ca", stringKey(c.audit.syslog_ca)},
         {"syslog_cert", stringKey(c.audit.syslog_cert)},
         {"syslog_key", stringKey(c.audit.syslog_key)},
         {"syslog_server_name", checkedStringKey(c.audit.syslog_server_name, serverName)}}}},
      {"auth",
       {{{"totp_file", stringKey(a.totp_file)},
         {"mfa",
          [&a](const toml::node& node, const std::string& key) -> Result<void> {
            auto v = node.value<std::string>();
            if (!node.is_string() || (*v != "optional" && *v != "required"))
              return typeError(key, "\"optional\" or \"required\"");
            a.mfa_required = *v == "required";
            return {};
          }},
         {"max_failures", uintKey(a.max_failures, 1, 1000)},
         {"backoff", uintKey(a.backoff, 1, kMaxTimeout)},
         {"backoff_max", uintKey(a.backoff_max, 1, kMaxTimeout)}}}},
  };
}

Result<void> applySection(const toml::table& table, Section& section, const std::string& name,
                          const Locator& loc) {
  for (const auto& [k, node] : table) {
    std::string key(k.str());
    auto it = section.keys.find(key);
    if (it == section.keys.end()) return fail(loc.at(node) + "unknown key " + name + "." + key);
    if (auto r = it->second(node, name + "." + key); !r)
      return fail(loc.at(node) + r.error().message);
  }
  return {};
}

Result<void> requireKeys(const Config& c, const std::string& file) {
  if (c.server.cert.empty()) return fail(file + ": server.cert is required");
  if (c.server.key.empty()) return fail(file + ": server.key is required");
  if (c.network.pool_network == 0) return fail(file + ": network.pool is required");
  if (c.server.worker_user.empty()) return fail(file + ": server.worker_user must not be empty");
  if (c.auth.backoff_max < c.auth.backoff)
    return fail(file + ": auth.backoff_max must not be less than auth.backoff");
  return {};
}

// "file:line: " of audit.KEY, or "file: " if the key is not in the file.
std::string whereIs(const toml::table& root, std::string_view key, const Locator& loc) {
  const toml::node* n = root.at_path(std::string("audit.") + std::string(key)).node();
  return n != nullptr ? loc.at(*n) : loc.file + ": ";
}

// The [audit] TLS keys only make sense together.
Result<void> checkAuditTls(const toml::table& root, const AuditConfig& a, const Locator& loc) {
  auto err = [&](std::string_view key, const std::string& why) {
    return fail(whereIs(root, key, loc) + "audit." + std::string(key) + ": " + why);
  };
  if (!a.syslog_tls) {
    for (auto [key, value] : {std::pair{"syslog_ca", &a.syslog_ca},
                              {"syslog_cert", &a.syslog_cert},
                              {"syslog_key", &a.syslog_key},
                              {"syslog_server_name", &a.syslog_server_name}})
      if (!value->empty()) return err(key, "only used with syslog_tls = true");
    return {};
  }
  if (a.syslog_address.empty())
    return err("syslog_tls", "needs audit.syslog (the collector's address)");
  if (a.syslog_ca.empty())
    return err("syslog_tls",
               "needs audit.syslog_ca (the CA that signs the collector's certificate)");
  if (!a.syslog_cert.empty() && a.syslog_key.empty())
    return err("syslog_cert", "needs audit.syslog_key");
  if (a.syslog_cert.empty() && !a.syslog_key.empty())
    return err("syslog_key", "needs audit.syslog_cert");
  return {};
}

}  // namespace

std::string formatNetmask(unsigned prefix) {
  std::uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
  in_addr a{htonl(mask)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof(buf));
  return buf;
}

std::string NetworkConfig::netmask() const { return formatNetmask(pool_prefix); }

Result<std::pair<std::uint32_t, unsigned>> parseIpv4Cidr(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return fail("'" + std::string(text) + "' is not address/prefix");
  std::string addr(text.substr(0, slash));
  std::string len(text.substr(slash + 1));
  in_addr a{};
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1)
    return fail("'" + addr + "' is not an IPv4 address");
  if (len.empty() || len.size() > 2 || len.find_first_not_of("0123456789") != std::string::npos)
    return fail("'" + len + "' is not a prefix length");
  unsigned prefix = static_cast<unsigned>(std::stoul(len));
  if (prefix > 32) return fail("prefix length over 32");
  std::uint32_t host = ntohl(a.s_addr);
  std::uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
  if ((host & ~mask) != 0) return fail("'" + std::string(text) + "' has host bits set");
  return std::pair{host, prefix};
}

Result<Config> parseConfig(std::string_view toml_text, std::string_view source_name) {
  Locator loc{std::string(source_name)};
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return fail(loc.file + ":" + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()));
  }
  Config c;
  auto sections = schema(c);
  for (const auto& [k, node] : root) {
    std::string name(k.str());
    auto it = sections.find(name);
    if (it == sections.end()) return fail(loc.at(node) + "unknown section [" + name + "]");
    const toml::table* t = node.as_table();
    if (t == nullptr) return fail(loc.at(node) + name + " must be a [section]");
    if (auto r = applySection(*t, it->second, name, loc); !r) return fail(r.error());
  }
  if (auto r = requireKeys(c, loc.file); !r) return fail(r.error());
  if (auto r = checkAuditTls(root, c.audit, loc); !r) return fail(r.error());
  return c;
}

Result<Config> loadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot read the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseConfig(ss.str(), path);
}

}  // namespace bulwark::config
