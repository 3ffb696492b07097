// Loading and writing release key files (PEM, see ed25519_key.h).
//
// The private key file is read through readSecretFile, so every in-memory
// copy of its PEM text is wiped (OPENSSL_cleanse) once the key is parsed; it
// is written with mode 0600 and never over an existing file.
//
//   Result<PublicKey> pub = loadPublicKeyFile(args.pubkey);
//   Result<PrivateKey> key = loadPrivateKeyFile(args.key);   // release machine only
//   Result<void> ok = writeKeyPairFiles(pair, "release.key", "release.pub");
#pragma once

#include <string>

#include "common/error.h"
#include "release/ed25519_key.h"

namespace bulwark::release {

[[nodiscard]] Result<PublicKey> loadPublicKeyFile(const std::string& path);
[[nodiscard]] Result<PrivateKey> loadPrivateKeyFile(const std::string& path);
[[nodiscard]] Result<void> writeKeyPairFiles(const KeyPairPem& pair,
                                             const std::string& private_path,
                                             const std::string& public_path);

}  // namespace bulwark::release
