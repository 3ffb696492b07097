#include "auth/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace bulwark::auth {

std::uint32_t hotp(std::string_view secret, std::uint64_t counter) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg, sizeof(msg), mac, &len);
  unsigned offset = mac[len - 1] & 0x0f;
  std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                      (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  OPENSSL_cleanse(mac, sizeof(mac));
  return bin % 1000000;
}

std::optional<std::int64_t> matchTotp(std::string_view secret, std::string_view code,
                                      std::int64_t unix_time, std::int64_t last_used_step) {
  if (code.size() != kTotpDigits) return std::nullopt;
  std::uint32_t wanted = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
    wanted = wanted * 10 + static_cast<std::uint32_t>(c - '0');
  }
  std::int64_t now = unix_time / kTotpStepSeconds;
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    if (step < 0) continue;
    bool equal = hotp(secret, static_cast<std::uint64_t>(step)) == wanted;
    if (equal && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

}  // namespace bulwark::auth
