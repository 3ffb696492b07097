#include "auth/totp_file.h"

#include "auth/base32.h"
#include "auth/users_file.h"
#include "common/secret_file.h"

namespace bulwark::auth {
namespace {

Result<std::pair<std::string, SecretBuffer>> parseLine(std::string_view line, std::size_t lineno) {
  auto where = "line " + std::to_string(lineno) + ": ";
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return fail(where + "expected name:BASE32SECRET");
  std::string name(line.substr(0, colon));
  if (!validUsername(name)) return fail(where + "invalid user name");
  auto seed = base32Decode(line.substr(colon + 1));
  if (!seed) return fail(where + seed.error().message);
  SecretBuffer secret = SecretBuffer::take(*seed);
  if (secret.size() < kMinTotpSeedBytes || secret.size() > kMaxTotpSeedBytes)
    return fail(where + "secret must be " + std::to_string(kMinTotpSeedBytes) + " to " +
                std::to_string(kMaxTotpSeedBytes) + " bytes");
  return std::pair{std::move(name), std::move(secret)};
}

}  // namespace

const SecretBuffer* TotpFile::seedOf(std::string_view user) const {
  auto it = seeds_.find(user);
  return it == seeds_.end() ? nullptr : &it->second;
}

std::vector<std::string> TotpFile::users() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : seeds_) out.push_back(name);
  return out;
}

void TotpFile::set(const std::string& user, SecretBuffer seed) { seeds_[user] = std::move(seed); }

bool TotpFile::remove(const std::string& user) { return seeds_.erase(user) > 0; }

Result<TotpFile> parseTotpFile(std::string_view text) {
  if (text.size() > kMaxTotpFileBytes) return fail("TOTP file too large");
  TotpFile f;
  std::size_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto entry = parseLine(line, lineno);
    if (!entry) return fail(entry.error());
    if (f.seedOf(entry->first) != nullptr)
      return fail("line " + std::to_string(lineno) + ": duplicate user " + entry->first);
    f.set(entry->first, std::move(entry->second));
  }
  return f;
}

std::string serializeTotpFile(const TotpFile& f) {
  std::string out = "# Bulwark TOTP seeds (bulwarkctl user totp ...). Keep mode 0600.\n";
  for (const auto& name : f.users()) {
    std::string b32 = base32Encode(f.seedOf(name)->view());
    out += name + ":" + b32 + "\n";
    secureWipe(b32.data(), b32.size());
  }
  return out;
}

Result<TotpFile> readTotpFile(const std::string& path) {
  auto text = readSecretFile(path, kMaxTotpFileBytes, /*allow_missing=*/true);
  if (!text) return fail("TOTP file: " + text.error().message);
  auto f = parseTotpFile(text->view());
  if (!f) return fail(path + ": " + f.error().message);
  return f;
}

Result<void> writeTotpFile(const std::string& path, const TotpFile& f) {
  std::string text = serializeTotpFile(f);
  auto r = writeSecretFileAtomically(path, text, 0600);
  secureWipe(text.data(), text.size());
  return r;
}

}  // namespace bulwark::auth
