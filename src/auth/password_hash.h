// Password hashing: Argon2id for every password Bulwark stores, and
// verification of the crypt(3) hashes ocserv's ocpasswd writes ($5$ and $6$)
// so ocserv users migrate without a password reset.
//
//   auto h = hashPassword("secret");             // "$argon2id$v=19$m=19456,t=2,p=1$..."
//   bool ok = verifyPassword("secret", *h);
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::auth {

inline constexpr unsigned kArgonMemoryKiB = 19456;  // OWASP minimum for Argon2id
inline constexpr unsigned kArgonIterations = 2;
inline constexpr unsigned kArgonLanes = 1;
inline constexpr std::size_t kArgonSaltBytes = 16;
inline constexpr std::size_t kArgonHashBytes = 32;

Result<std::string> hashPassword(std::string_view password);
bool verifyPassword(std::string_view password, std::string_view encoded_hash);
// Spends the same time as verifying a real Argon2id hash (unknown users).
void burnDummyVerification(std::string_view password);

}  // namespace bulwark::auth
