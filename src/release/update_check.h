// checkUpdate: decides whether a signed update package may be installed over
// the running release. Verification only; nothing is written.
//
// Policy: the package's signature must verify with the release public key,
// and its version must be strictly newer than the installed one. Equal
// versions are refused too: re-installing the same version is how an
// attacker would replay an old signed package whose contents differ from what
// is installed (e.g. a rebuilt one), and a real reinstall goes through the
// package manager, not this path. Older versions are refused (no downgrade to
// a release with known holes).
//
//   Result<Manifest> m = checkUpdate(package_bytes, pubkey, "0.1.0");
//   if (!m) { refuse(m.error().message); }
#pragma once

#include <string_view>

#include "common/error.h"
#include "release/ed25519_key.h"
#include "release/manifest.h"

namespace bulwark::release {

[[nodiscard]] Result<Manifest> checkUpdate(std::string_view signed_manifest_bytes,
                                           const PublicKey& key,
                                           std::string_view installed_version);

}  // namespace bulwark::release
