#include "authd/totp_directory.h"

#include <sys/stat.h>

#include <cerrno>

#include "auth/totp.h"
#include "common/log.h"

namespace bulwark::authd {

const char* totpVerdictName(TotpVerdict v) {
  switch (v) {
    case TotpVerdict::kAccepted: return "accepted";
    case TotpVerdict::kWrong: return "wrong one-time code";
    case TotpVerdict::kReplayed: return "one-time code already used";
    case TotpVerdict::kUnavailable: return "TOTP file unreadable";
  }
  return "?";
}

bool TotpDirectory::refresh() {
  struct stat st{};
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      spdlog::error("TOTP file {}: cannot stat; refusing second factors", path_);
      loaded_ = false;
      return false;
    }
    // Nobody is enrolled yet.
    seeds_ = auth::TotpFile{};
    present_ = false;
    loaded_ = true;
    return true;
  }
  if (loaded_ && present_ && st.st_mtim.tv_sec == loaded_mtime_.tv_sec &&
      st.st_mtim.tv_nsec == loaded_mtime_.tv_nsec)
    return true;
  if ((st.st_mode & 077) != 0)
    spdlog::warn("TOTP file {} is readable by group or others; it should be mode 0600", path_);
  auto f = auth::readTotpFile(path_);
  if (!f) {
    spdlog::error("{}; refusing second factors until it is fixed", f.error().message);
    loaded_ = false;
    return false;
  }
  seeds_ = std::move(*f);
  loaded_mtime_ = st.st_mtim;
  present_ = true;
  loaded_ = true;
  spdlog::info("loaded TOTP seeds of {} users from {}", seeds_.users().size(), path_);
  return true;
}

TotpState TotpDirectory::state(const std::string& user) {
  if (!refresh()) return TotpState::kUnavailable;
  return seeds_.seedOf(user) != nullptr ? TotpState::kEnrolled : TotpState::kNotEnrolled;
}

TotpVerdict TotpDirectory::verify(const std::string& user, const SecretBuffer& code,
                                  std::int64_t unix_time) {
  if (!refresh()) return TotpVerdict::kUnavailable;
  const SecretBuffer* seed = seeds_.seedOf(user);
  if (seed == nullptr) return TotpVerdict::kWrong;
  auto it = last_step_.find(user);
  std::int64_t last = it == last_step_.end() ? -1 : it->second;
  auto step = auth::matchTotp(seed->view(), code.view(), unix_time, last);
  if (step) {
    last_step_[user] = *step;
    return TotpVerdict::kAccepted;
  }
  // Tell a replay apart for the audit log only; the client sees the same answer.
  if (auth::matchTotp(seed->view(), code.view(), unix_time, -1)) return TotpVerdict::kReplayed;
  return TotpVerdict::kWrong;
}

}  // namespace bulwark::authd
