// The TOTP seed file: which users have a second factor, and their secrets.
// One user per line, `name:BASE32SECRET`; '#' comments and blank lines are
// allowed (and dropped on rewrite). The file is mode 0600, owned by root,
// and read only by bulwark-authd (and written by `bulwarkctl user totp`); a
// worker never sees it. Seeds are held in SecretBuffers.
//
//   auto f = parseTotpFile(text);
//   const SecretBuffer* seed = f->seedOf("alice");   // nullptr: no TOTP
//   f->set("bob", std::move(new_seed));  f->remove("carol");
//   writeSecretFileAtomically(path, serializeTotpFile(*f), 0600);
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::auth {

inline constexpr std::size_t kMaxTotpFileBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMinTotpSeedBytes = 10;  // 80 bits, RFC 4226's floor
inline constexpr std::size_t kMaxTotpSeedBytes = 64;

class TotpFile {
 public:
  [[nodiscard]] const SecretBuffer* seedOf(std::string_view user) const;
  [[nodiscard]] std::vector<std::string> users() const;
  void set(const std::string& user, SecretBuffer seed);
  bool remove(const std::string& user);

 private:
  std::map<std::string, SecretBuffer, std::less<>> seeds_;
};

Result<TotpFile> parseTotpFile(std::string_view text);
// The caller wipes the returned text after writing it.
std::string serializeTotpFile(const TotpFile& f);
// A missing file is an empty TotpFile (nobody enrolled yet).
Result<TotpFile> readTotpFile(const std::string& path);
Result<void> writeTotpFile(const std::string& path, const TotpFile& f);

}  // namespace bulwark::auth
