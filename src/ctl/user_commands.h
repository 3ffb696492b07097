// User management commands of bulwarkctl: edit the users file (ocpasswd
// format, Argon2id hashes for new passwords) atomically.
#pragma once

#include <string>

namespace bulwark::ctl {

struct UserCommand {
  std::string verb;  // add, passwd, lock, unlock, del, list
  std::string name;
  bool password_stdin = false;
};

// Returns the process exit code; prints errors to stderr.
// `del` also removes the user's TOTP seed from totp_file.
int runUserCommand(const std::string& users_file, const std::string& totp_file,
                   const UserCommand& cmd);

}  // namespace bulwark::ctl
