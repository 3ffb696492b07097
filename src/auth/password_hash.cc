#include "auth/password_hash.h"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

#include "common/secret_buffer.h"

namespace bulwark::auth {
namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool verifyCrypt(std::string_view password, std::string_view hash) {
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  std::string setting(hash);
  const char* out = crypt_r(pw.c_str(), setting.c_str(), data.get());
  bool ok = out != nullptr && out[0] != '*' && std::string_view(out).size() == hash.size() &&
            CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  secureWipe(pw.data(), pw.size());
  secureWipe(data.get(), sizeof(crypt_data));
  return ok;
}

bool verifyArgon2id(std::string_view password, std::string_view hash) {
  std::string encoded(hash);
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace

Result<std::string> hashPassword(std::string_view password) {
  unsigned char salt[kArgonSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) return fail("no randomness for the salt");
  std::size_t len = argon2_encodedlen(kArgonIterations, kArgonMemoryKiB, kArgonLanes,
                                      kArgonSaltBytes, kArgonHashBytes, Argon2_id);
  std::vector<char> out(len);
  int rc = argon2id_hash_encoded(kArgonIterations, kArgonMemoryKiB, kArgonLanes, password.data(),
                                 password.size(), salt, sizeof(salt), kArgonHashBytes, out.data(),
                                 out.size());
  if (rc != ARGON2_OK) return fail(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(out.data());
}

bool verifyPassword(std::string_view password, std::string_view hash) {
  if (startsWith(hash, "$argon2id$")) return verifyArgon2id(password, hash);
  if (startsWith(hash, "$5$") || startsWith(hash, "$6$")) return verifyCrypt(password, hash);
  return false;
}

void burnDummyVerification(std::string_view password) {
  static const std::string dummy = *hashPassword("bulwark-dummy-password");
  (void)verifyArgon2id(password, dummy);
}

}  // namespace bulwark::auth
