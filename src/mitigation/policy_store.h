// The active mitigation policy: verified against the release public key,
// refused unless its version is above the active one, and persisted (the
// signed bytes) in the state directory so neither a restart nor a config
// reload undoes it. Used by bulwarkd only.
//
//   PolicyStore store(state_dir + "/mitigation.policy", pubkey);
//   if (auto r = store.load(); !r) ...        // at start: a bad file is fatal
//   auto applied = store.apply(signed_bytes); // from bulwarkctl
//   const MitigationPolicy& now = store.active();
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "mitigation/policy.h"
#include "release/ed25519_key.h"

namespace bulwark::mitigation {

class PolicyStore {
 public:
  // pubkey_path empty: no release key configured, every apply is refused.
  PolicyStore(std::string path, std::string pubkey_path)
      : path_(std::move(path)), pubkey_path_(std::move(pubkey_path)) {}
  // Loads the persisted policy, if any. A persisted file that no longer
  // verifies is an error (the gateway must not start without its mitigation).
  Result<void> load();
  Result<MitigationPolicy> apply(std::string_view signed_bytes);
  [[nodiscard]] const MitigationPolicy& active() const { return active_; }

 private:
  Result<MitigationPolicy> verify(std::string_view signed_bytes) const;
  std::string path_;
  std::string pubkey_path_;
  MitigationPolicy active_;
};

}  // namespace bulwark::mitigation
