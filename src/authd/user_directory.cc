#include "authd/user_directory.h"

#include <sys/stat.h>

#include "auth/password_hash.h"
#include "common/log.h"

namespace bulwark::authd {

const char* verdictName(PasswordVerdict v) {
  switch (v) {
    case PasswordVerdict::kAccepted: return "accepted";
    case PasswordVerdict::kWrongPassword: return "wrong password";
    case PasswordVerdict::kUnknownUser: return "unknown user";
    case PasswordVerdict::kLocked: return "account locked";
    case PasswordVerdict::kNoUsersFile: return "users file unreadable";
  }
  return "?";
}

bool UserDirectory::refresh() {
  struct stat st{};
  if (::stat(path_.c_str(), &st) != 0) {
    if (loaded_) spdlog::error("users file {} is gone; refusing logins", path_);
    loaded_ = false;
    return false;
  }
  if (loaded_ && st.st_mtim.tv_sec == loaded_mtime_.tv_sec &&
      st.st_mtim.tv_nsec == loaded_mtime_.tv_nsec)
    return true;
  auto f = auth::readUsersFile(path_, false);
  if (!f) {
    spdlog::error("{}; refusing logins until it is fixed", f.error().message);
    loaded_ = false;
    return false;
  }
  users_ = std::move(*f);
  loaded_mtime_ = st.st_mtim;
  loaded_ = true;
  spdlog::info("loaded {} users from {}", users_.users().size(), path_);
  return true;
}

PasswordVerdict UserDirectory::checkPassword(const std::string& username,
                                             const SecretBuffer& password) {
  if (!refresh()) {
    auth::burnDummyVerification(password.view());
    return PasswordVerdict::kNoUsersFile;
  }
  const auth::UserEntry* e = users_.find(username);
  if (e == nullptr) {
    auth::burnDummyVerification(password.view());
    return PasswordVerdict::kUnknownUser;
  }
  // Verify even for a locked account so timing does not tell it apart.
  bool ok = auth::verifyPassword(password.view(), e->activeHash());
  if (e->locked()) return PasswordVerdict::kLocked;
  return ok ? PasswordVerdict::kAccepted : PasswordVerdict::kWrongPassword;
}

}  // namespace bulwark::authd
