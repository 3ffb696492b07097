#include "auth/users_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/secret_buffer.h"
#include "common/secret_file.h"

namespace bulwark::auth {
namespace {

Result<UserEntry> parseEntry(std::string_view line, std::size_t lineno) {
  auto where = "line " + std::to_string(lineno) + ": ";
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return fail(where + "control character");
  auto c1 = line.find(':');
  auto c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return fail(where + "expected name:groups:hash");
  UserEntry e{std::string(line.substr(0, c1)), std::string(line.substr(c1 + 1, c2 - c1 - 1)),
              std::string(line.substr(c2 + 1))};
  if (!validUsername(e.name)) return fail(where + "invalid user name '" + e.name + "'");
  if (e.hash.find(':') != std::string::npos) return fail(where + "too many ':' fields");
  return e;
}

}  // namespace

bool validUsername(std::string_view name) {
  return !name.empty() && name.size() <= kMaxUsernameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ||
                  c == '-';
         });
}

Result<UsersFile> parseUsersFile(std::string_view text) {
  if (text.size() > kMaxUsersFileBytes) return fail("users file too large");
  UsersFile f;
  std::size_t lineno = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++lineno;
    std::string_view raw = line;  // comments are kept byte for byte
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') {
      f.lines_.push_back({std::nullopt, std::string(raw)});
      continue;
    }
    auto e = parseEntry(line, lineno);
    if (!e) return fail(e.error());
    if (f.find(e->name) != nullptr)
      return fail("line " + std::to_string(lineno) + ": duplicate user '" + e->name + "'");
    f.lines_.push_back({std::move(*e), {}});
  }
  return f;
}

std::string serializeUsersFile(const UsersFile& f) {
  std::string out;
  for (const auto& l : f.lines_) {
    out += l.entry ? l.entry->name + ":" + l.entry->groups + ":" + l.entry->hash : l.raw;
    out += '\n';
  }
  return out;
}

const UserEntry* UsersFile::find(std::string_view name) const {
  for (const auto& l : lines_)
    if (l.entry && l.entry->name == name) return &*l.entry;
  return nullptr;
}

UserEntry* UsersFile::findMutable(std::string_view name) {
  return const_cast<UserEntry*>(find(name));
}

std::vector<const UserEntry*> UsersFile::users() const {
  std::vector<const UserEntry*> out;
  for (const auto& l : lines_)
    if (l.entry) out.push_back(&*l.entry);
  return out;
}

Result<void> UsersFile::add(const std::string& name, const std::string& hash) {
  if (!validUsername(name)) return fail("invalid user name '" + name + "' (letters, digits, . _ @ -)");
  if (find(name) != nullptr) return fail("user " + name + " already exists");
  lines_.push_back({UserEntry{name, "*", hash}, {}});
  return {};
}

Result<void> UsersFile::setHash(const std::string& name, const std::string& hash) {
  UserEntry* e = findMutable(name);
  if (e == nullptr) return fail("no such user " + name);
  e->hash = e->locked() ? "!" + hash : hash;
  return {};
}

Result<void> UsersFile::lock(const std::string& name) {
  UserEntry* e = findMutable(name);
  if (e == nullptr) return fail("no such user " + name);
  if (!e->locked()) e->hash = "!" + e->hash;
  return {};
}

Result<void> UsersFile::unlock(const std::string& name) {
  UserEntry* e = findMutable(name);
  if (e == nullptr) return fail("no such user " + name);
  if (e->locked()) e->hash.erase(0, 1);
  return {};
}

Result<void> UsersFile::remove(const std::string& name) {
  auto it = std::find_if(lines_.begin(), lines_.end(),
                         [&](const Line& l) { return l.entry && l.entry->name == name; });
  if (it == lines_.end()) return fail("no such user " + name);
  lines_.erase(it);
  return {};
}

Result<UsersFile> readUsersFile(const std::string& path, bool allow_missing) {
  auto text = readSecretFile(path, kMaxUsersFileBytes, allow_missing);
  if (!text) return fail("users file: " + text.error().message);
  auto f = parseUsersFile(text->view());
  if (!f) return fail(path + ": " + f.error().message);
  return f;
}

Result<void> writeUsersFileAtomically(const std::string& path, const UsersFile& f) {
  std::string text = serializeUsersFile(f);
  auto r = writeSecretFileAtomically(path, text, 0600);
  secureWipe(text.data(), text.size());
  return r;
}

}  // namespace bulwark::auth
