// The users file: ocserv's ocpasswd format, one user per line,
//   name:groups:hash        e.g. alice:*:$argon2id$v=19$...
// A locked user has '!' in front of the hash (as `ocpasswd -l` writes).
// Comments (#) and blank lines are kept verbatim on rewrite.
//
//   auto f = parseUsersFile(text);
//   f->add("bob", hash);  f->lock("bob");
//   writeUsersFileAtomically(path, *f);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::auth {

inline constexpr std::size_t kMaxUsernameLength = 64;
inline constexpr std::size_t kMaxUsersFileBytes = 16 * 1024 * 1024;

struct UserEntry {
  std::string name;
  std::string groups = "*";
  std::string hash;  // with a leading '!' when locked
  [[nodiscard]] bool locked() const { return !hash.empty() && hash.front() == '!'; }
  [[nodiscard]] std::string_view activeHash() const {
    return locked() ? std::string_view(hash).substr(1) : std::string_view(hash);
  }
};

class UsersFile {
 public:
  [[nodiscard]] const UserEntry* find(std::string_view name) const;
  [[nodiscard]] std::vector<const UserEntry*> users() const;
  Result<void> add(const std::string& name, const std::string& hash);
  Result<void> setHash(const std::string& name, const std::string& hash);
  Result<void> lock(const std::string& name);
  Result<void> unlock(const std::string& name);
  Result<void> remove(const std::string& name);

  // Parsing keeps raw lines; serializing writes them back.
  friend Result<UsersFile> parseUsersFile(std::string_view text);
  friend std::string serializeUsersFile(const UsersFile& f);

 private:
  struct Line {
    std::optional<UserEntry> entry;  // nullopt: comment or blank, kept as raw
    std::string raw;
  };
  UserEntry* findMutable(std::string_view name);
  std::vector<Line> lines_;
};

Result<UsersFile> parseUsersFile(std::string_view text);
std::string serializeUsersFile(const UsersFile& f);
bool validUsername(std::string_view name);

// A missing file reads as empty only if allow_missing.
Result<UsersFile> readUsersFile(const std::string& path, bool allow_missing);
Result<void> writeUsersFileAtomically(const std::string& path, const UsersFile& f);

}  // namespace bulwark::auth
