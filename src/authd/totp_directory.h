// TotpDirectory: authd's view of the TOTP seed file, re-read when its
// modification time changes (so `bulwarkctl user totp enable/disable` takes
// effect at the next login), and the replay memory: the last time step
// accepted per user, so a code is never accepted twice.
//
// If the file exists but cannot be read or parsed, every user's state is
// kUnavailable and logins that reach the second-factor decision fail closed.
//
//   TotpDirectory totp("/etc/bulwark/totp");
//   if (totp.state("alice") == TotpState::kEnrolled)
//     TotpVerdict v = totp.verify("alice", code, std::time(nullptr));
#pragma once

#include <ctime>
#include <string>
#include <unordered_map>

#include "auth/totp_file.h"
#include "common/secret_buffer.h"

namespace bulwark::authd {

enum class TotpState { kNotEnrolled, kEnrolled, kUnavailable };
enum class TotpVerdict { kAccepted, kWrong, kReplayed, kUnavailable };

class TotpDirectory {
 public:
  explicit TotpDirectory(std::string path) : path_(std::move(path)) {}
  TotpState state(const std::string& user);
  TotpVerdict verify(const std::string& user, const SecretBuffer& code, std::int64_t unix_time);

 private:
  bool refresh();
  std::string path_;
  bool loaded_ = false;
  bool present_ = false;
  timespec loaded_mtime_{};
  auth::TotpFile seeds_;
  std::unordered_map<std::string, std::int64_t> last_step_;
};

const char* totpVerdictName(TotpVerdict v);

}  // namespace bulwark::authd
