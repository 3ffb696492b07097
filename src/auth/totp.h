// TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30 s steps,
// accepted one step either side of now. A code is accepted at most once: the
// caller keeps the last step it accepted for the user and passes it in, and
// only later steps match (so a replayed or older code always fails).
//
//   std::uint32_t c = hotp(secret, step);                // 6 digits
//   auto step = matchTotp(secret, "287082", unix_now, last_step);
//   if (step) last_step = *step;                         // accept
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bulwark::auth {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

std::uint32_t hotp(std::string_view secret, std::uint64_t counter);

// The step (unix_time / 30) whose code equals `code`, among now-1..now+1 and
// strictly after `last_used_step`; nullopt if none. `code` must be exactly
// six ASCII digits. Every candidate step is computed, so timing does not
// depend on which one matched.
std::optional<std::int64_t> matchTotp(std::string_view secret, std::string_view code,
                                      std::int64_t unix_time, std::int64_t last_used_step);

}  // namespace bulwark::auth
