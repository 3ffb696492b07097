#include "ctl/user_commands.h"

#include <cstdio>

#include "auth/password_hash.h"
#include "auth/totp_file.h"
#include "auth/users_file.h"
#include "ctl/password_prompt.h"

namespace bulwark::ctl {
namespace {

int error(const std::string& msg) {
  std::fprintf(stderr, "bulwarkctl: %s\n", msg.c_str());
  return 1;
}

Result<std::string> newPasswordHash(bool from_stdin) {
  auto pw = from_stdin ? readPasswordFromStdin() : promptNewPassword();
  if (!pw) return fail(pw.error());
  return auth::hashPassword(pw->view());
}

int listUsers(const auth::UsersFile& f, const auth::TotpFile& totp) {
  std::printf("%-32s %-8s %-6s %s\n", "USER", "STATE", "TOTP", "HASH");
  for (const auto* u : f.users()) {
    std::string_view h = u->activeHash();
    std::string kind = h.starts_with("$argon2id$") ? "argon2id"
                       : h.starts_with("$6$")       ? "sha512-crypt"
                       : h.starts_with("$5$")       ? "sha256-crypt"
                                                    : "unsupported";
    std::printf("%-32s %-8s %-6s %s\n", u->name.c_str(), u->locked() ? "locked" : "active",
                totp.seedOf(u->name) != nullptr ? "yes" : "no", kind.c_str());
  }
  return 0;
}

Result<void> apply(auth::UsersFile& f, const UserCommand& cmd) {
  if (cmd.verb == "add" || cmd.verb == "passwd") {
    if (cmd.verb == "add" && f.find(cmd.name) != nullptr)
      return fail("user " + cmd.name + " already exists");
    if (cmd.verb == "passwd" && f.find(cmd.name) == nullptr) return fail("no such user " + cmd.name);
    auto hash = newPasswordHash(cmd.password_stdin);
    if (!hash) return fail(hash.error());
    return cmd.verb == "add" ? f.add(cmd.name, *hash) : f.setHash(cmd.name, *hash);
  }
  if (cmd.verb == "lock") return f.lock(cmd.name);
  if (cmd.verb == "unlock") return f.unlock(cmd.name);
  if (cmd.verb == "del") return f.remove(cmd.name);
  return fail("unknown user command " + cmd.verb);
}

}  // namespace

int runUserCommand(const std::string& users_file, const std::string& totp_file,
                   const UserCommand& cmd) {
  auto f = auth::readUsersFile(users_file, /*allow_missing=*/cmd.verb == "add");
  if (!f) return error(f.error().message);
  auto totp = auth::readTotpFile(totp_file);
  if (!totp) return error(totp.error().message);
  if (cmd.verb == "list") return listUsers(*f, *totp);
  if (auto r = apply(*f, cmd); !r) return error(r.error().message);
  if (auto w = auth::writeUsersFileAtomically(users_file, *f); !w) return error(w.error().message);
  if (cmd.verb == "del" && totp->remove(cmd.name)) {
    if (auto w = auth::writeTotpFile(totp_file, *totp); !w) return error(w.error().message);
  }
  std::printf("%s: %s %s\n", users_file.c_str(), cmd.verb.c_str(), cmd.name.c_str());
  return 0;
}

}  // namespace bulwark::ctl
