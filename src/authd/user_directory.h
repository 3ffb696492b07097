// UserDirectory: authd's view of the users file. It re-reads the file when
// its modification time changes, so `bulwarkctl user lock/passwd/del` take
// effect at the next login without a restart.
//
// checkPassword() takes the same time for unknown users as for known ones
// (a dummy Argon2id verification), so login timing does not reveal which
// accounts exist.
//
//   UserDirectory users("/etc/bulwark/users");
//   PasswordVerdict v = users.checkPassword("alice", password);
#pragma once

#include <ctime>
#include <string>

#include "auth/users_file.h"
#include "common/secret_buffer.h"

namespace bulwark::authd {

enum class PasswordVerdict { kAccepted, kWrongPassword, kUnknownUser, kLocked, kNoUsersFile };

class UserDirectory {
 public:
  explicit UserDirectory(std::string path) : path_(std::move(path)) {}
  PasswordVerdict checkPassword(const std::string& username, const SecretBuffer& password);

 private:
  bool refresh();
  std::string path_;
  timespec loaded_mtime_{};
  bool loaded_ = false;
  auth::UsersFile users_;
};

const char* verdictName(PasswordVerdict v);

}  // namespace bulwark::authd
