#include "proto/anyconnect/legacy_dtls.h"

#include <array>
#include <string>

namespace bulwark::anyconnect {
namespace {

constexpr std::string_view kDtlsHeader = "X-DTLS-CipherSuite";
constexpr std::string_view kDtls12Header = "X-DTLS12-CipherSuite";

// In order of preference. The OC- names and the X-DTLS12 names are the
// client's (openconnect's table of Cisco suites); the numbers are the TLS
// registry's.
constexpr std::array kSuites{
    LegacyDtlsSuite{kDtlsHeader, "OC-DTLS1_2-AES256-GCM", 0x009d},  // RSA_WITH_AES_256_GCM_SHA384
    LegacyDtlsSuite{kDtlsHeader, "OC-DTLS1_2-AES128-GCM", 0x009c},  // RSA_WITH_AES_128_GCM_SHA256
    LegacyDtlsSuite{kDtls12Header, "ECDHE-RSA-AES256-GCM-SHA384", 0xc030},
    LegacyDtlsSuite{kDtls12Header, "AES256-GCM-SHA384", 0x009d},
    LegacyDtlsSuite{kDtls12Header, "ECDHE-RSA-AES128-GCM-SHA256", 0xc02f},
    LegacyDtlsSuite{kDtls12Header, "AES128-GCM-SHA256", 0x009c},
};

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool suiteListed(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    auto colon = list.find(':');
    if (list.substr(0, colon) == name) return true;
    list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
  }
  return false;
}

Result<SecretBuffer> parseDtlsMasterSecret(std::string_view hex) {
  if (hex.size() != 2 * kDtlsMasterSecretBytes)
    return fail("X-DTLS-Master-Secret is not 96 hex digits");
  std::array<char, kDtlsMasterSecretBytes> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    int hi = hexDigit(hex[2 * i]);
    int lo = hexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      secureWipe(bytes.data(), bytes.size());
      return fail("X-DTLS-Master-Secret is not 96 hex digits");
    }
    bytes[i] = static_cast<char>(hi << 4 | lo);
  }
  SecretBuffer secret(std::string_view(bytes.data(), bytes.size()));
  secureWipe(bytes.data(), bytes.size());
  return secret;
}

std::optional<LegacyDtlsSuite> chooseLegacyDtlsSuite(std::optional<std::string_view> dtls_list,
                                                     std::optional<std::string_view> dtls12_list) {
  for (const LegacyDtlsSuite& s : kSuites) {
    auto list = s.header == kDtlsHeader ? dtls_list : dtls12_list;
    if (list && suiteListed(*list, s.name)) return s;
  }
  return std::nullopt;
}

}  // namespace bulwark::anyconnect
