#include "config/config_diff.h"

namespace bulwark::config {
namespace {

class Differ {
 public:
  Differ(const Config& a, const Config& b) : a_(a), b_(b) {}

  // Member pointer path: section, then field.
  template <typename Section, typename Field>
  void key(const char* name, Section Config::*section, Field Section::*field, bool live) {
    if (a_.*section.*field == b_.*section.*field) return;
    (live ? diff_.live : diff_.restart_only).emplace_back(name);
  }
  template <typename Section>
  void section(const char* name, Section Config::*section) {
    if (!(a_.*section == b_.*section)) diff_.restart_only.emplace_back(name);
  }
  ConfigDiff take() { return std::move(diff_); }

 private:
  const Config& a_;
  const Config& b_;
  ConfigDiff diff_;
};

constexpr bool kLive = true;
constexpr bool kRestart = false;

void diffServer(Differ& d) {
  using S = ServerConfig;
  d.key("server.listen", &Config::server, &S::listen, kRestart);
  d.key("server.port", &Config::server, &S::port, kRestart);
  d.key("server.cert", &Config::server, &S::cert, kRestart);
  d.key("server.key", &Config::server, &S::key, kRestart);
  d.key("server.users_file", &Config::server, &S::users_file, kRestart);
  d.key("server.max_clients", &Config::server, &S::max_clients, kLive);
  d.key("server.max_sessions_per_user", &Config::server, &S::max_sessions_per_user, kLive);
  d.key("server.worker_user", &Config::server, &S::worker_user, kRestart);
  d.key("server.worker_launch", &Config::server, &S::worker_launch, kRestart);
  d.key("server.worker_group", &Config::server, &S::worker_group, kRestart);
  d.key("server.runtime_dir", &Config::server, &S::runtime_dir, kRestart);
  d.key("server.admin_group", &Config::server, &S::admin_group, kRestart);
  d.key("server.dtls", &Config::server, &S::dtls, kRestart);
  d.key("server.state_dir", &Config::server, &S::state_dir, kRestart);
}

void diffNetwork(Differ& d) {
  using N = NetworkConfig;
  d.key("network.pool", &Config::network, &N::pool_network, kRestart);
  d.key("network.pool", &Config::network, &N::pool_prefix, kRestart);
  d.key("network.dns", &Config::network, &N::dns, kLive);
  d.key("network.default_domain", &Config::network, &N::default_domain, kLive);
  d.key("network.split_include", &Config::network, &N::split_include, kLive);
  d.key("network.mtu", &Config::network, &N::mtu, kLive);
  d.key("network.rx_coalesce_us", &Config::network, &N::rx_coalesce_us, kLive);
  d.key("network.ack_thinning", &Config::network, &N::ack_thinning, kLive);
  d.key("network.dtls_inflight_kib", &Config::network, &N::dtls_inflight_kib, kLive);
}

void diffTimeoutsAndAuth(Differ& d) {
  using T = TimeoutConfig;
  d.key("timeouts.dpd", &Config::timeouts, &T::dpd, kLive);
  d.key("timeouts.keepalive", &Config::timeouts, &T::keepalive, kLive);
  d.key("timeouts.idle", &Config::timeouts, &T::idle, kLive);
  d.key("timeouts.session", &Config::timeouts, &T::session, kLive);
  d.key("timeouts.cookie", &Config::timeouts, &T::cookie, kLive);
  d.key("timeouts.auth", &Config::timeouts, &T::auth, kLive);
  using A = AuthConfig;
  d.key("auth.totp_file", &Config::auth, &A::totp_file, kRestart);
  d.key("auth.mfa", &Config::auth, &A::mfa_required, kLive);
  d.key("auth.max_failures", &Config::auth, &A::max_failures, kLive);
  d.key("auth.backoff", &Config::auth, &A::backoff, kLive);
  d.key("auth.backoff_max", &Config::auth, &A::backoff_max, kLive);
}

void dedupe(std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (auto& s : v)
    if (out.empty() || out.back() != s) out.push_back(std::move(s));
  v = std::move(out);
}

}  // namespace

ConfigDiff diffConfig(const Config& running, const Config& next) {
  Differ d(running, next);
  diffServer(d);
  diffNetwork(d);
  diffTimeoutsAndAuth(d);
  d.section("audit", &Config::audit);
  d.section("integrity", &Config::integrity);
  auto diff = d.take();
  dedupe(diff.restart_only);
  return diff;
}

}  // namespace bulwark::config
