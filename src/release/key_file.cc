#include "release/key_file.h"

#include <unistd.h>

#include "common/secret_file.h"
#include "release/bounded_file.h"

namespace bulwark::release {

Result<PublicKey> loadPublicKeyFile(const std::string& path) {
  auto pem = readBoundedFile(path, kMaxKeyPemBytes);
  if (!pem) return fail(pem.error());
  auto key = parsePublicKeyPem(*pem);
  if (!key) return fail(path + ": " + key.error().message);
  return key;
}

Result<PrivateKey> loadPrivateKeyFile(const std::string& path) {
  auto pem = readSecretFile(path, kMaxKeyPemBytes, /*allow_missing=*/false);
  if (!pem) return fail(pem.error());
  auto key = parsePrivateKeyPem(pem->view());
  if (!key) return fail(path + ": " + key.error().message);
  return key;  // `pem` is wiped as it goes out of scope
}

Result<void> writeKeyPairFiles(const KeyPairPem& pair, const std::string& private_path,
                               const std::string& public_path) {
  if (auto ok = writeNewFile(private_path, pair.private_pem.view(), 0600); !ok) return ok;
  if (auto ok = writeNewFile(public_path, pair.public_pem, 0644); !ok) {
    ::unlink(private_path.c_str());  // no half-made pair left behind
    return ok;
  }
  return {};
}

}  // namespace bulwark::release
