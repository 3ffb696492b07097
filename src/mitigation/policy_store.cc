#include "mitigation/policy_store.h"

#include <cerrno>

#include "common/secret_file.h"
#include "release/key_file.h"
#include "release/signature.h"

namespace bulwark::mitigation {

Result<MitigationPolicy> PolicyStore::verify(std::string_view signed_bytes) const {
  if (pubkey_path_.empty())
    return fail("no release public key configured (integrity.release_pubkey)");
  auto key = release::loadPublicKeyFile(pubkey_path_);
  if (!key) return fail(key.error());
  auto body = release::verifySignedText(signed_bytes, kMaxPolicyBytes + 512, *key);
  if (!body) return fail("policy refused: " + body.error().message);
  auto policy = parsePolicy(*body);
  if (!policy) return fail("policy refused: " + policy.error().message);
  return policy;
}

Result<void> PolicyStore::load() {
  auto bytes = readSecretFile(path_, kMaxPolicyBytes + 512, /*allow_missing=*/true);
  if (!bytes) return fail(bytes.error());
  if (bytes->empty()) return {};
  auto policy = verify(bytes->view());
  if (!policy) return fail(path_ + ": " + policy.error().message);
  active_ = std::move(*policy);
  return {};
}

Result<MitigationPolicy> PolicyStore::apply(std::string_view signed_bytes) {
  auto policy = verify(signed_bytes);
  if (!policy) return fail(policy.error());
  if (policy->version <= active_.version)
    return fail("policy refused: version " + std::to_string(policy->version) +
                " is not above the active version " + std::to_string(active_.version));
  if (auto w = writeSecretFileAtomically(path_, signed_bytes, 0600); !w)
    return fail("cannot persist the policy: " + w.error().message);
  active_ = *policy;
  return policy;
}

}  // namespace bulwark::mitigation
