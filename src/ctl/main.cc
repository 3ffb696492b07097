// bulwarkctl: admin tool. Session commands talk to the running bulwarkd over
// its control socket; user commands edit the users file directly (authd
// re-reads it on change).
//
//   bulwarkctl sessions [--json]
//   bulwarkctl disconnect ID | --user NAME
//   bulwarkctl user add|passwd|lock|unlock|del NAME [--password-stdin]
//   bulwarkctl user list
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "config/config.h"
#include "ctl/control_client.h"
#include "ctl/user_commands.h"

namespace {

using nlohmann::json;

struct Paths {
  std::string config = "/etc/bulwark/bulwark.toml";
  std::string socket;
  std::string users_file;
};

// Fills socket/users paths from the config file unless given on the command line.
bool resolvePaths(Paths& p, bool need_socket, bool need_users) {
  if ((!need_socket || !p.socket.empty()) && (!need_users || !p.users_file.empty())) return true;
  auto cfg = bulwark::config::loadConfig(p.config);
  if (!cfg) {
    std::fprintf(stderr, "bulwarkctl: %s\n(use --socket / --users-file to skip the config)\n",
                 cfg.error().message.c_str());
    return false;
  }
  if (p.socket.empty()) p.socket = cfg->server.runtime_dir + "/control.sock";
  if (p.users_file.empty()) p.users_file = cfg->server.users_file;
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
  if (as_json) {
    std::cout << reply->dump(2) << "\n";
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

  auto* sessions = app.add_subcommand("sessions", "list active sessions");
  sessions->add_flag("--json", as_json, "print JSON");

  auto* disconnect = app.add_subcommand("disconnect", "end a session (or all of a user's) and revoke its cookie");
  std::uint64_t session_id = 0;
  std::string disconnect_user;
  auto* id_opt = disconnect->add_option("id", session_id, "session id (from `sessions`)");
  auto* user_opt = disconnect->add_option("--user", disconnect_user, "end every session of this user");
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

  CLI11_PARSE(app, argc, argv);

  if (sessions->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    return call(paths, json{{"cmd", "sessions"}}, as_json);
  }
  if (disconnect->parsed()) {
    if (!resolvePaths(paths, true, false)) return 1;
    if (user_opt->count() > 0) return call(paths, json{{"cmd", "disconnect"}, {"user", disconnect_user}}, as_json);
    if (id_opt->count() == 0) {
      std::fprintf(stderr, "bulwarkctl: disconnect needs a session id or --user NAME\n");
      return 2;
    }
    return call(paths, json{{"cmd", "disconnect"}, {"id", session_id}}, as_json);
  }
  if (!resolvePaths(paths, false, true)) return 1;
  return bulwark::ctl::runUserCommand(paths.users_file, user_cmd);
}
