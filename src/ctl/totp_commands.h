// TOTP enrolment commands of bulwarkctl: `user totp enable NAME` creates a
// random 160-bit seed, stores it in the TOTP file (mode 0600, read by authd
// only) and prints the base32 secret, the otpauth:// URI and a QR code
// once; `user totp disable NAME` removes it. The user must exist in the
// users file.
#pragma once

#include <string>

namespace bulwark::ctl {

struct TotpCommand {
  std::string verb;  // enable, disable
  std::string name;
  std::string issuer = "Bulwark";
  bool force = false;  // enable: replace an existing seed
  bool qr = true;
};

// Returns the process exit code; prints errors to stderr.
int runTotpCommand(const std::string& users_file, const std::string& totp_file,
                   const TotpCommand& cmd);
// "otpauth://totp/ISSUER:NAME?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30"
std::string otpauthUri(const std::string& issuer, const std::string& name,
                       const std::string& base32_secret);

}  // namespace bulwark::ctl
