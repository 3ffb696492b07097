#include "release/update_check.h"

#include <string>

#include "release/signature.h"
#include "release/version.h"

namespace bulwark::release {

Result<Manifest> checkUpdate(std::string_view signed_manifest_bytes, const PublicKey& key,
                             std::string_view installed_version) {
  // Cheap check first: a bad installed version is the caller's error.
  auto installed = parseVersion(installed_version);
  if (!installed) return fail("installed version: " + installed.error().message);
  auto m = verifySignedManifest(signed_manifest_bytes, key);
  if (!m) return fail(m.error());
  auto offered = parseVersion(m->version);
  if (!offered) return fail(offered.error());  // parseManifest already checked it
  int order = compareVersions(*offered, *installed);
  if (order == 0) return fail("package version " + m->version + " is already installed");
  if (order < 0) {
    return fail("package version " + m->version + " is older than installed " +
                std::string(installed_version) + " (downgrade refused)");
  }
  return m;
}

}  // namespace bulwark::release
