// bulwarkctl: admin tool. Session commands talk to the running bulwarkd over
// its control socket; user commands edit the users file directly (authd
// re-reads it on change).
//
//   bulwarkctl sessions [--json]
//   bulwarkctl disconnect ID | --user NAME
//   bulwarkctl user add|passwd|lock|unlock|del NAME [--password-stdin]
//   bulwarkctl user list
//   bulwarkctl user totp enable|disable NAME [--force] [--no-qr]
//   bulwarkctl bans [--json]
//   bulwarkctl unban --user NAME | --addr IP | --all
//   bulwarkctl status [--json]
//   bulwarkctl reload [--json]            (re-read the config; SIGHUP does the same)
//   bulwarkctl audit verify FILE [--last-seq N]
//   bulwarkctl mitigation apply FILE      (a policy signed with bulwark-release sign-policy)
// `user unlock` also lifts the user's login back-off in a running gateway.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "auditlog/verify.h"
#include "config/config.h"
#include "ctl/control_client.h"
#include "ctl/totp_commands.h"
#include "ctl/user_commands.h"

namespace {

using nlohmann::json;

struct Paths {
  std::string config = "/etc/bulwark/bulwark.toml";
  std::string socket;
  std::string users_file;
  std::string totp_file;
};

// Fills socket/users paths from the config file unless given on the command line.
bool resolvePaths(Paths& p, bool need_socket, bool need_users) {
  if ((!need_socket || !p.socket.empty()) &&
      (!need_users || (!p.users_file.empty() && !p.totp_file.empty())))
    return true;
  auto cfg = bulwark::config::loadConfig(p.config);
  if (!cfg) {
    std::fprintf(stderr, "bulwarkctl: %s\n(use --socket / --users-file to skip the config)\n",
                 cfg.error().message.c_str());
    return false;
  }
  if (p.socket.empty()) p.socket = cfg->server.runtime_dir + "/control.sock";
  if (p.users_file.empty()) p.users_file = cfg->server.users_file;
  if (p.totp_file.empty()) p.totp_file = cfg->auth.totp_file;
  return true;
}

std::string humanBytes(std::uint64_t b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

int printSessions(const json& reply, bool as_json) {
  const json& list = reply["sessions"];
  if (as_json) {
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  std::printf("%-20s %-16s %-16s %-24s %-21s %12s %12s\n", "ID", "USER", "TUNNEL-IP", "REMOTE",
              "SINCE", "IN", "OUT");
  for (const auto& s : list)
    std::printf("%-20llu %-16s %-16s %-24s %-21s %12s %12s\n",
                static_cast<unsigned long long>(s["id"].get<std::uint64_t>()),
                s["user"].get<std::string>().c_str(), s["tunnel_ip"].get<std::string>().c_str(),
                s["remote"].get<std::string>().c_str(), s["since"].get<std::string>().c_str(),
                humanBytes(s["bytes_in"].get<std::uint64_t>()).c_str(),
                humanBytes(s["bytes_out"].get<std::uint64_t>()).c_str());
  if (list.empty()) std::printf("(no active sessions)\n");
  return 0;
}

int printBans(const json& reply, bool as_json) {
  const json& list = reply["bans"];
  if (as_json) {
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  std::printf("%-6s %-40s %9s %12s\n", "KIND", "NAME", "FAILURES", "REMAINING-S");
  for (const auto& b : list)
    std::printf("%-6s %-40s %9u %12lld\n", b["kind"].get<std::string>().c_str(),
                b["name"].get<std::string>().c_str(), b["failures"].get<unsigned>(),
                static_cast<long long>(b["remaining_s"].get<std::int64_t>()));
  if (list.empty()) std::printf("(no login back-offs in force)\n");
  return 0;
}

int printStatus(const json& s) {
  std::printf("connections: %zu\ntunnels: %u\n", s["connections"].get<std::size_t>(),
              s["tunnels"].get<unsigned>());
  if (s.contains("config"))
    std::printf("configuration: %s (generation %u)\n",
                s["config"]["file"].get<std::string>().c_str(),
                s["config"]["generation"].get<unsigned>());
  if (s.contains("workers")) {
    const json& w = s["workers"];
    if (w["launch"] == "fork")
      std::printf("workers: forked by zygote pid %d (%u forks; %u zygotes started; %llu exec'd)\n",
                  w["zygote_pid"].get<int>(), w["forks_by_this_zygote"].get<unsigned>(),
                  w["zygotes_started"].get<unsigned>(),
                  static_cast<unsigned long long>(w["exec_fallbacks"].get<std::uint64_t>()));
    else
      std::printf("workers: exec'd per connection\n");
  }
  if (s.contains("tun_devices")) {
    const json& t = s["tun_devices"];
    std::printf("TUN devices: %zu in use, %zu idle (%llu made, %llu reuses)\n",
                t["in_use"].get<std::size_t>(), t["idle"].get<std::size_t>(),
                static_cast<unsigned long long>(t["created"].get<std::uint64_t>()),
                static_cast<unsigned long long>(t["reused"].get<std::uint64_t>()));
  }
  const json& m = s["mitigation"];
  if (m["version"].get<std::uint64_t>() == 0) {
    std::printf("mitigation policy: none\n");
    return 0;
  }
  std::printf("mitigation policy: version %llu (%s)\n",
              static_cast<unsigned long long>(m["version"].get<std::uint64_t>()),
              m["reason"].get<std::string>().c_str());
  for (const char* k :
       {"disable_new_logins", "disable_dtls", "disable_password_only", "disable_totp"})
    if (m[k].get<bool>()) std::printf("  %s\n", k);
  for (const auto& path : m["blocked_paths"])
    std::printf("  blocked path %s\n", path.get<std::string>().c_str());
  return 0;
}

int printReload(const json& r) {
  std::string changed;
  for (const auto& k : r["changed"])
    changed += (changed.empty() ? "" : ", ") + k.get<std::string>();
  std::printf("configuration reloaded (generation %u): %s\n", r["generation"].get<unsigned>(),
              changed.empty() ? "nothing changed" : ("changed " + changed).c_str());
  return 0;
}

int verifyAudit(const std::string& file, std::optional<std::uint64_t> last_seq) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bulwarkctl: cannot read %s\n", file.c_str());
    return 2;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = bulwark::auditlog::verifyAuditLog(text, last_seq);
  if (!r.ok) {
    std::printf("BROKEN at line %zu (seq %llu): %s\n%llu records verified before it\n", r.line,
                static_cast<unsigned long long>(r.seq), r.reason.c_str(),
                static_cast<unsigned long long>(r.records));
    return 1;
  }
  std::printf(
      "OK: %llu records, last seq %llu, last hash %s\n", static_cast<unsigned long long>(r.records),
      static_cast<unsigned long long>(r.last_seq), r.last_hash.empty() ? "-" : r.last_hash.c_str());
  return 0;
}

// Tells a running gateway what bulwarkctl changed, for the audit log.
void noteAdminAction(Paths p, const std::string& event, const std::string& user) {
  if (p.socket.empty()) {
    auto cfg = bulwark::config::loadConfig(p.config);
    if (cfg) p.socket = cfg->server.runtime_dir + "/control.sock";
  }
  auto r = bulwark::ctl::callGateway(
      p.socket, json{{"cmd", "admin_action"}, {"event", event}, {"user", user}});
  if (!r || !(*r).value("ok", false))
    std::fprintf(stderr, "(gateway not reachable: %s not recorded in its audit log)\n",
                 event.c_str());
}

int call(const Paths& p, const json& request, bool as_json) {
  auto reply = bulwark::ctl::callGateway(p.socket, request);
  if (!reply) {
    std::fprintf(stderr, "bulwarkctl: %s\n", reply.error().message.c_str());
    return 1;
  }
  if (!(*reply).value("ok", false)) {
    std::fprintf(stderr, "bulwarkctl: %s\n", (*reply).value("error", "request failed").c_str());
    return 1;
  }
  if (reply->contains("sessions")) return printSessions(*reply, as_json);
  if (reply->contains("bans")) return printBans(*reply, as_json);
  if (reply->contains("status")) {
    if (!as_json) return printStatus((*reply)["status"]);
    std::cout << (*reply)["status"].dump(2) << "\n";
    return 0;
  }
  if (reply->contains("reload") && !as_json) return printReload((*reply)["reload"]);
  if (reply->contains("mitigation") && !as_json) {
    std::printf(
        "mitigation policy version %llu applied\n",
        static_cast<unsigned long long>((*reply)["mitigation"]["version"].get<std::uint64_t>()));
    return 0;
  }
  if (as_json) {
    std::cout << reply->dump(2) << "\n";
  } else if (reply->contains("cleared")) {
    std::printf("lifted %u back-off(s)\n", (*reply)["cleared"].get<unsigned>());
  } else {
    std::printf("ended %u session(s)\n", (*reply)["ended"].get<unsigned>());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bulwarkctl: manage a Bulwark gateway"};
  app.require_subcommand(1);
  Paths paths;
  bool as_json = false;
  app.add_option("-c,--config", paths.config, "gateway configuration file");
  app.add_option("--socket", paths.socket, "control socket (default: from the config)");
  app.add_option("--users-file", paths.users_file, "users file (default: from the config)");
  app.add_option("--totp-file", paths.totp_file, "TOTP seed file (default: from the config)");

  auto* sessions = app.add_subcommand("sessions", "list active sessions");
  sessions->add_flag("--json", as_json, "print JSON");

  auto* disconnect =
      app.add_subcommand("disconnect", "end a session (or all of a user's) and revoke its cookie");
  std::uint64_t session_id = 0;
  std::string disconnect_user;
  auto* id_opt = disconnect->add_option("id", session_id, "session id (from `sessions`)");
  auto* user_opt =
      disconnect->add_option("--user", disconnect_user, "end every session of this user");
  id_opt->excludes(user_opt);
  disconnect->add_flag("--json", as_json, "print JSON");

  bulwark::ctl::UserCommand user_cmd;
  auto* user = app.add_subcommand("user", "manage users (the users file)");
  user->require_subcommand(1);
  for (const char* verb : {"add", "passwd", "lock", "unlock", "del"}) {
    auto* sub = user->add_subcommand(verb, std::string(verb) + " a user");
    sub->add_option("name", user_cmd.name, "user name")->required();
    if (std::string(verb) == "add" || std::string(verb) == "passwd")
      sub->add_flag("--password-stdin", user_cmd.password_stdin, "read the password from stdin");
    sub->callback([&user_cmd, verb] { user_cmd.verb = verb; });
  }
  user->add_subcommand("list", "list users")->callback([&user_cmd] { user_cmd.verb = "list"; });
  bulwark::ctl::TotpCommand totp_cmd;
  auto* totp = user->add_subcommand("totp", "second factor: TOTP enrolment");
  totp->require_subcommand(1);
  for (const char* verb : {"enable", "disable"}) {
    auto* sub = totp->add_subcommand(verb, std::string(verb) + " TOTP for a user");
    sub->add_option("name", totp_cmd.name, "user name")->required();
    if (std::string(verb) == "enable") {
      sub->add_flag("--force", totp_cmd.force, "replace an existing seed");
      sub->add_option("--issuer", totp_cmd.issuer, "issuer shown in the authenticator app");
      sub->add_flag("!--no-qr", totp_cmd.qr, "do not print the QR code");
    }
    sub->callback([&totp_cmd, verb] { totp_cmd.verb = verb; });
  }

  auto* status = app.add_subcommand("status", "gateway status and the active mitigation policy");
  status->add_flag("--json", as_json, "print JSON");
  auto* reload = app.add_subcommand(
      "reload", "re-read the gateway's configuration file without dropping sessions");
  reload->add_flag("--json", as_json, "print JSON");
  auto* mitigation = app.add_subcommand("mitigation", "emergency mitigation policies");
  mitigation->require_subcommand(1);
  std::string policy_file;
  auto* apply = mitigation->add_subcommand("apply", "apply a signed policy at once (no restart)");
  apply->add_option("file", policy_file, "policy signed with bulwark-release sign-policy")
      ->required();

  auto* audit = app.add_subcommand("audit", "the hash-chained audit log");
  audit->require_subcommand(1);
  auto* audit_verify =
      audit->add_subcommand("verify", "check the chain; name the first broken record");
  std::string audit_file;
  std::uint64_t audit_last_seq = 0;
  audit_verify->add_option("file", audit_file, "audit log file")->required();
  auto* last_seq_opt = audit_verify->add_option(
      "--last-seq", audit_last_seq, "the last seq known from elsewhere (syslog collector, status)");

  auto* bans = app.add_subcommand("bans", "list login back-offs in force (accounts and addresses)");
  bans->add_flag("--json", as_json, "print JSON");
  auto* unban = app.add_subcommand("unban", "lift a login back-off");
  std::string unban_user, unban_addr;
  bool unban_all = false;
  auto* ub_user = unban->add_option("--user", unban_user, "account name");
  auto* ub_addr = unban->add_option("--addr", unban_addr, "client IP address");
  auto* ub_all = unban->add_flag("--all", unban_all, "every back-off");
  ub_user->excludes(ub_addr)->excludes(ub_all);
  ub_addr->excludes(ub_all);

  CLI11_PARSE(app, argc, argv);

  if (sessions->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    return call(paths, json{{"cmd", "sessions"}}, as_json);
  }
  if (disconnect->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    if (user_opt->count() > 0)
      return call(paths, json{{"cmd", "disconnect"}, {"user", disconnect_user}}, as_json);
    if (id_opt->count() == 0) {
      std::fprintf(stderr, "bulwarkctl: disconnect needs a session id or --user NAME\n");
      return 2;
    }
    return call(paths, json{{"cmd", "disconnect"}, {"id", session_id}}, as_json);
  }
  if (audit_verify->parsed())
    return verifyAudit(audit_file,
                       last_seq_opt->count() > 0 ? std::optional(audit_last_seq) : std::nullopt);
  if (status->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    return call(paths, json{{"cmd", "status"}}, as_json);
  }
  if (reload->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    return call(paths, json{{"cmd", "reload"}}, as_json);
  }
  if (apply->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    std::ifstream in(policy_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "bulwarkctl: cannot read %s\n", policy_file.c_str());
      return 1;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > 64 * 1024) {
      std::fprintf(stderr, "bulwarkctl: %s is too large to be a policy\n", policy_file.c_str());
      return 1;
    }
    return call(paths, json{{"cmd", "mitigation"}, {"policy", text}}, false);
  }
  if (bans->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    return call(paths, json{{"cmd", "bans"}}, as_json);
  }
  if (unban->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    std::string key = unban_all             ? "*"
                      : !unban_user.empty() ? "user:" + unban_user
                      : !unban_addr.empty() ? "addr:" + unban_addr
                                            : "";
    if (key.empty()) {
      std::fprintf(stderr, "bulwarkctl: unban needs --user NAME, --addr IP or --all\n");
      return 2;
    }
    return call(paths, json{{"cmd", "unban"}, {"key", key}}, false);
  }
  if (totp->parsed()) {
    if (!resolvePaths(paths, false, true)) return 1;
    int rc = bulwark::ctl::runTotpCommand(paths.users_file, paths.totp_file, totp_cmd);
    if (rc == 0) noteAdminAction(paths, "user.totp_" + totp_cmd.verb, totp_cmd.name);
    return rc;
  }
  bool changes = user_cmd.verb != "list";
  if (!resolvePaths(paths, false, true)) return 1;
  int rc = bulwark::ctl::runUserCommand(paths.users_file, paths.totp_file, user_cmd);
  if (rc == 0 && changes) noteAdminAction(paths, "user." + user_cmd.verb, user_cmd.name);
  if (rc == 0 && user_cmd.verb == "unlock") {
    // Lift the login back-off too, if a gateway is running.
    auto r = bulwark::ctl::callGateway(paths.socket,
                                       json{{"cmd", "unban"}, {"key", "user:" + user_cmd.name}});
    if (r && (*r).value("ok", false))
      std::printf("login back-off of %s lifted\n", user_cmd.name.c_str());
    else
      std::printf("(gateway not reachable: no login back-off lifted)\n");
  }
  return rc;
}
