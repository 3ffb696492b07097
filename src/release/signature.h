// Signed manifests: manifest text followed by one final line
//
//   signature ed25519 <base64 of the 64-byte Ed25519 signature>\n
//
// The signature covers every byte before that line (pure Ed25519, no
// pre-hash). verifySignedManifest checks sizes, then the signature, and only
// then parses the body, so the manifest parser never sees unauthenticated
// bytes. Keys: see ed25519_key.h.
//
//   Result<std::string> signed_text = signManifest(text, private_key);
//   Result<Manifest> m = verifySignedManifest(bytes, public_key);
//   if (!m) { /* bad signature or malformed: could not verify */ }
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "release/ed25519_key.h"
#include "release/manifest.h"

namespace bulwark::release {

inline constexpr std::string_view kSignaturePrefix = "signature ed25519 ";
inline constexpr std::size_t kEd25519SignatureBytes = 64;
// Prefix + 88 base64 characters + '\n'.
inline constexpr std::size_t kSignatureLineBytes = kSignaturePrefix.size() + 88 + 1;
inline constexpr std::size_t kMaxSignedManifestBytes = kMaxManifestBytes + kSignatureLineBytes;

struct SignedParts {
  std::string_view body;  // every byte the signature covers
  std::string signature;  // 64 raw bytes
};

// Pure split of a signed manifest into body and decoded signature; checks the
// shape of the last line only (no crypto, no parsing of the body).
[[nodiscard]] Result<SignedParts> splitSignedManifest(std::string_view bytes);
[[nodiscard]] Result<SignedParts> splitSignedText(std::string_view bytes, std::size_t max_bytes);

// Any text the same way (mitigation policies use it too): `text` must end in
// a newline; the result is text + signature line.
[[nodiscard]] Result<std::string> signText(std::string_view text, const PrivateKey& key);
// Checks the signature line against every byte before it and returns those
// bytes (a view into `bytes`); nothing else about them is looked at.
[[nodiscard]] Result<std::string_view> verifySignedText(std::string_view bytes,
                                                        std::size_t max_bytes,
                                                        const PublicKey& key);

// Refuses to sign text that parseManifest rejects.
[[nodiscard]] Result<std::string> signManifest(std::string_view manifest_text,
                                               const PrivateKey& key);

[[nodiscard]] Result<Manifest> verifySignedManifest(std::string_view bytes, const PublicKey& key);

}  // namespace bulwark::release
