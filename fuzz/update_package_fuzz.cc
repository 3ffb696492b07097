// Fuzzes checkUpdate, the update package gate (installed version 0.1.0).
//
// The first input byte picks the mode, the rest is the payload:
//   even: the payload is an update package as received (signature and all);
//   odd:  the payload is manifest text, signed here with the fixed test key,
//         so the fuzzer reaches the version policy behind the signature.
// Property: a package is accepted only if it is signed with the test key and
// its version is strictly newer than 0.1.0; a validly signed manifest with a
// newer version is always accepted.
//
// TEST KEY ONLY: this key pair signs fuzz seeds and is public. It must never
// be used for a release.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "release/ed25519_key.h"
#include "release/manifest.h"
#include "release/signature.h"
#include "release/update_check.h"
#include "release/version.h"

namespace {

constexpr std::string_view kTestPrivateKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJwWaGtR49VwV54JINJ0+i38C4Zjh9Stai2CPoMnsyOA\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kTestPublicKeyPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA+MwYIaWNq8EQNfnl3lJVP7hDC5nMPFu1mlGnu8Gw9Tg=\n"
    "-----END PUBLIC KEY-----\n";
constexpr std::string_view kInstalled = "0.1.0";

template <typename T>
T orAbort(bulwark::Result<T> r) {
  if (!r) std::abort();
  return std::move(*r);
}

bool isNewer(const std::string& version) {
  using namespace bulwark::release;
  return compareVersions(orAbort(parseVersion(version)), orAbort(parseVersion(kInstalled))) > 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bulwark::release;
  static const PrivateKey priv = orAbort(parsePrivateKeyPem(kTestPrivateKeyPem));
  static const PublicKey pub = orAbort(parsePublicKeyPem(kTestPublicKeyPem));
  if (size == 0) return 0;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto m = checkUpdate(payload, pub, kInstalled);
    if (m && !isNewer(m->version)) std::abort();
    return 0;
  }
  auto parsed = parseManifest(payload);
  if (!parsed) return 0;
  auto m = checkUpdate(orAbort(signManifest(payload, priv)), pub, kInstalled);
  if (m.has_value() != isNewer(parsed->version)) std::abort();
  if (m && *m != *parsed) std::abort();
  return 0;
}
