#include "authd/worker_peer.h"

namespace bulwark::authd {

bool permitted(const WorkerPeer& p, ipc::WorkerAuthdType type) {
  using T = ipc::WorkerAuthdType;
  switch (type) {
    case T::kSignRequest:
      // Only the TLS handshake signs, before any application data.
      return p.signatures < kMaxSignatures && !p.logged_in && !p.cookie_checked &&
             p.failed_logins == 0 && !p.pending;
    case T::kAuthPassword:
      return !p.logged_in && !p.cookie_checked && !p.pending &&
             p.failed_logins < kMaxPasswordAttempts;
    case T::kAuthOtp:
      return p.pending.has_value();
    case T::kCookieCheck:
      return !p.cookie_checked;
    case T::kLogout:
      return p.attached_session.has_value();
    default:
      return false;  // reply types never flow worker -> authd
  }
}

std::string addressOfPeer(const std::string& peer) {
  if (!peer.empty() && peer.front() == '[') {
    auto close = peer.find(']');
    return close == std::string::npos ? peer : peer.substr(1, close - 1);
  }
  auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

}  // namespace bulwark::authd
