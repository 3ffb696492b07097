// bulwark-release: release-machine tool for keys, manifests and signatures,
// plus the read-only update package check. See tool_args.h for usage.
#include <cstdio>
#include <span>
#include <string>

#include "mitigation/policy.h"
#include "release/bounded_file.h"
#include "release/ed25519_key.h"
#include "release/key_file.h"
#include "release/manifest_build.h"
#include "release/signature.h"
#include "release/tree_scan.h"
#include "release/update_check.h"
#include "release/version.h"
#include "release_tool/tool_args.h"

namespace {

using namespace bulwark;
using release_tool::ToolArgs;

Result<void> keygen(const ToolArgs& a) {
  auto pair = release::generateKeyPair();
  if (!pair) return fail(pair.error());
  return release::writeKeyPairFiles(*pair, a.one("--private"), a.one("--public"));
}

Result<void> manifest(const ToolArgs& a) {
  if (auto v = release::parseVersion(a.one("--version")); !v) return fail(v.error());
  auto tree = release::scanTree(a.one("--root"), a.all("--cover"));
  if (!tree) return fail(tree.error());
  auto m = release::buildManifest(*tree, a.one("--version"), a.all("--cover"));
  if (!m) return fail(m.error());
  return release::writeNewFile(a.one("--out"), release::serializeManifest(*m), 0644);
}

Result<void> sign(const ToolArgs& a) {
  auto key = release::loadPrivateKeyFile(a.one("--key"));
  if (!key) return fail(key.error());
  auto text = release::readBoundedFile(a.one("--in"), release::kMaxManifestBytes);
  if (!text) return fail(text.error());
  auto signed_text = release::signManifest(*text, *key);
  if (!signed_text) return fail(signed_text.error());
  return release::writeNewFile(a.one("--out"), *signed_text, 0644);
}

Result<void> signPolicy(const ToolArgs& a) {
  auto key = release::loadPrivateKeyFile(a.one("--key"));
  if (!key) return fail(key.error());
  auto text = release::readBoundedFile(a.one("--in"), mitigation::kMaxPolicyBytes);
  if (!text) return fail(text.error());
  if (auto p = mitigation::parsePolicy(*text); !p)
    return fail("refusing to sign an invalid policy: " + p.error().message);
  auto signed_text = release::signText(*text, *key);
  if (!signed_text) return fail(signed_text.error());
  return release::writeNewFile(a.one("--out"), *signed_text, 0644);
}

Result<void> checkUpdate(const ToolArgs& a) {
  auto key = release::loadPublicKeyFile(a.one("--pubkey"));
  if (!key) return fail(key.error());
  auto bytes = release::readBoundedFile(a.one("--package"), release::kMaxSignedManifestBytes);
  if (!bytes) return fail(bytes.error());
  auto m = release::checkUpdate(*bytes, *key, a.one("--installed-version"));
  if (!m) return fail(m.error());
  std::printf("update to %s accepted: signature valid, %zu entries\n", m->version.c_str(),
              m->entries.size());
  return {};
}

Result<void> run(const ToolArgs& a) {
  if (a.command == "keygen") return keygen(a);
  if (a.command == "manifest") return manifest(a);
  if (a.command == "sign") return sign(a);
  if (a.command == "sign-policy") return signPolicy(a);
  return checkUpdate(a);
}

}  // namespace

int main(int argc, char** argv) {
  std::span<char* const> rest(argv + 1, argc > 0 ? argc - 1 : 0);
  if (!rest.empty() &&
      (std::string_view(rest[0]) == "--help" || std::string_view(rest[0]) == "-h")) {
    std::fputs(release_tool::kToolUsage.data(), stdout);
    return 0;
  }
  auto args = release_tool::parseToolArgs(rest);
  if (!args) {
    std::fprintf(stderr, "bulwark-release: %s\n\n%s", args.error().message.c_str(),
                 release_tool::kToolUsage.data());
    return 2;
  }
  if (auto ok = run(*args); !ok) {
    std::fprintf(stderr, "bulwark-release %s: %s\n", args->command.c_str(),
                 ok.error().message.c_str());
    return 1;
  }
  return 0;
}
