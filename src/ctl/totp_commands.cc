#include "ctl/totp_commands.h"

#include <openssl/rand.h>

#include <cstdio>

#include "auth/base32.h"
#include "auth/totp.h"
#include "auth/totp_file.h"
#include "auth/users_file.h"
#include "ctl/qr_terminal.h"

namespace bulwark::ctl {
namespace {

int error(const std::string& msg) {
  std::fprintf(stderr, "bulwarkctl: %s\n", msg.c_str());
  return 1;
}

std::string percentEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

int enable(auth::TotpFile& f, const std::string& totp_file, const TotpCommand& cmd) {
  if (f.seedOf(cmd.name) != nullptr && !cmd.force)
    return error(cmd.name + " already has TOTP; `user totp disable` first, or --force to replace it");
  std::string seed(auth::kTotpSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), static_cast<int>(seed.size())) != 1)
    return error("no randomness for the TOTP seed");
  std::string b32 = auth::base32Encode(seed);
  f.set(cmd.name, SecretBuffer::take(seed));
  if (auto w = auth::writeTotpFile(totp_file, f); !w) return error(w.error().message);
  std::string uri = otpauthUri(cmd.issuer, cmd.name, b32);
  std::printf("TOTP enabled for %s (%s).\nsecret: %s\nuri: %s\n", cmd.name.c_str(),
              totp_file.c_str(), b32.c_str(), uri.c_str());
  if (cmd.qr) std::printf("%s", renderQr(uri).c_str());
  std::printf("Add it to the user's authenticator now: it is not shown again.\n");
  secureWipe(b32.data(), b32.size());
  secureWipe(uri.data(), uri.size());
  return 0;
}

}  // namespace

std::string otpauthUri(const std::string& issuer, const std::string& name,
                       const std::string& base32_secret) {
  return "otpauth://totp/" + percentEncode(issuer) + ":" + percentEncode(name) +
         "?secret=" + base32_secret + "&issuer=" + percentEncode(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

int runTotpCommand(const std::string& users_file, const std::string& totp_file,
                   const TotpCommand& cmd) {
  auto users = auth::readUsersFile(users_file, /*allow_missing=*/false);
  if (!users) return error(users.error().message);
  auto f = auth::readTotpFile(totp_file);
  if (!f) return error(f.error().message);
  if (cmd.verb == "enable") {
    if (users->find(cmd.name) == nullptr) return error("no such user " + cmd.name);
    return enable(*f, totp_file, cmd);
  }
  if (cmd.verb == "disable") {
    if (!f->remove(cmd.name)) return error(cmd.name + " has no TOTP");
    if (auto w = auth::writeTotpFile(totp_file, *f); !w) return error(w.error().message);
    std::printf("TOTP disabled for %s\n", cmd.name.c_str());
    return 0;
  }
  return error("unknown totp command " + cmd.verb);
}

}  // namespace bulwark::ctl
