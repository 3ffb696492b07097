// Legacy DTLS (anyconnect.md 5.3): for a client that does not offer
// PSK-NEGOTIATE, Cisco's "resumption" of a DTLS 1.2 session that never
// existed. The client sends a 48-byte master secret in X-DTLS-Master-Secret
// and its suites in X-DTLS-CipherSuite (and X-DTLS12-CipherSuite); the
// gateway picks one, names it in the reply with an X-DTLS-Session-ID, and
// the client's ClientHello then resumes that session id with that suite.
//
// Only the AES-GCM suites of DTLS 1.2 are served: OpenSSL cannot speak
// Cisco's DTLS 0.9, and the CBC suites gain nothing today.
//
//   auto secret = parseDtlsMasterSecret(hex);         // 96 hex digits
//   auto suite = chooseLegacyDtlsSuite(list, list12);  // nullopt: none we do
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::anyconnect {

inline constexpr std::size_t kDtlsMasterSecretBytes = 48;

struct LegacyDtlsSuite {
  std::string_view
      header;             // reply header that names it: X-DTLS-CipherSuite or X-DTLS12-CipherSuite
  std::string_view name;  // as the client lists it
  std::uint16_t id;       // the TLS cipher suite number the session resumes with
  bool operator==(const LegacyDtlsSuite&) const = default;
};

// True if `name` is one of the colon-separated suite names in `list`.
bool suiteListed(std::string_view list, std::string_view name);

// The 48 bytes of X-DTLS-Master-Secret (hex, either case).
Result<SecretBuffer> parseDtlsMasterSecret(std::string_view hex);

// The gateway's preferred suite among the client's colon-separated lists
// (AES-256 before AES-128; X-DTLS-CipherSuite names before X-DTLS12 ones).
std::optional<LegacyDtlsSuite> chooseLegacyDtlsSuite(std::optional<std::string_view> dtls_list,
                                                     std::optional<std::string_view> dtls12_list);

}  // namespace bulwark::anyconnect
