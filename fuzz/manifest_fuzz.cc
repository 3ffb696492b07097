// Fuzzes the manifest parser and the signed-manifest verifier.
//
// Properties: the format is canonical (parse -> serialize gives back the
// input byte for byte); a parsed manifest validates, signs and verifies to
// itself; and no input verifies under a key generated at first call, which
// the input cannot know.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "release/ed25519_key.h"
#include "release/manifest.h"
#include "release/signature.h"

namespace {

struct FuzzKeys {
  bulwark::release::PrivateKey priv;
  bulwark::release::PublicKey pub;
};

FuzzKeys makeKeys() {
  auto pair = bulwark::release::generateKeyPair();
  if (!pair) std::abort();
  auto priv = bulwark::release::parsePrivateKeyPem(pair->private_pem.view());
  auto pub = bulwark::release::parsePublicKeyPem(pair->public_pem);
  if (!priv || !pub) std::abort();
  return FuzzKeys{std::move(*priv), std::move(*pub)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bulwark::release;
  static const FuzzKeys keys = makeKeys();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto m = parseManifest(in)) {
    std::string once = serializeManifest(*m);
    if (once != in || !validateManifest(*m)) std::abort();
    auto signed_text = signManifest(once, keys.priv);
    if (!signed_text) std::abort();
    auto back = verifySignedManifest(*signed_text, keys.pub);
    if (!back || *back != *m) std::abort();
  }
  if (verifySignedManifest(in, keys.pub)) std::abort();  // a forged signature
  return 0;
}
