#include "release/signature.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

#include "release/base64.h"

namespace bulwark::release {

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const unsigned char* bytesOf(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<std::string> ed25519Sign(std::string_view message, EVP_PKEY* key) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureBytes, '\0');
  std::size_t sig_len = sig.size();
  // Ed25519 hashes internally: the digest argument must be NULL (RFC 8032).
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     bytesOf(message), message.size()) != 1 ||
      sig_len != kEd25519SignatureBytes) {
    ERR_clear_error();
    return fail("signing failed");
  }
  return sig;
}

bool ed25519Verify(std::string_view message, std::string_view sig, EVP_PKEY* key) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), bytesOf(sig), sig.size(), bytesOf(message), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

Result<SignedParts> splitSignedManifest(std::string_view bytes) {
  return splitSignedText(bytes, kMaxSignedManifestBytes);
}

Result<SignedParts> splitSignedText(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes) return fail("signed file too large");
  if (bytes.size() < kSignatureLineBytes || bytes.back() != '\n') {
    return fail("no signature line at the end");
  }
  std::string_view line = bytes.substr(bytes.size() - kSignatureLineBytes);
  std::string_view body = bytes.substr(0, bytes.size() - kSignatureLineBytes);
  // The signature line must be a whole line of its own.
  if (!line.starts_with(kSignaturePrefix) || (!body.empty() && body.back() != '\n')) {
    return fail("no signature line at the end");
  }
  std::string_view b64 = line.substr(kSignaturePrefix.size(), 88);
  auto sig = decodeBase64(b64);
  if (!sig || sig->size() != kEd25519SignatureBytes) return fail("malformed signature line");
  return SignedParts{body, std::move(*sig)};
}

Result<std::string> signText(std::string_view text, const PrivateKey& key) {
  if (!text.empty() && text.back() != '\n') return fail("text to sign must end with a newline");
  auto sig = ed25519Sign(text, key.get());
  if (!sig) return fail(sig.error());
  std::string out(text);
  out.append(kSignaturePrefix).append(encodeBase64(*sig)).push_back('\n');
  return out;
}

Result<std::string_view> verifySignedText(std::string_view bytes, std::size_t max_bytes,
                                          const PublicKey& key) {
  auto parts = splitSignedText(bytes, max_bytes);
  if (!parts) return fail(parts.error());
  if (!ed25519Verify(parts->body, parts->signature, key.get()))
    return fail("bad signature (modified, or signed with another key)");
  return parts->body;
}

Result<std::string> signManifest(std::string_view manifest_text, const PrivateKey& key) {
  if (auto m = parseManifest(manifest_text); !m) {
    return fail("refusing to sign an invalid manifest: " + m.error().message);
  }
  return signText(manifest_text, key);
}

Result<Manifest> verifySignedManifest(std::string_view bytes, const PublicKey& key) {
  auto parts = splitSignedManifest(bytes);
  if (!parts) return fail(parts.error());
  if (!ed25519Verify(parts->body, parts->signature, key.get())) {
    return fail("bad signature (manifest modified or signed with another key)");
  }
  auto m = parseManifest(parts->body);
  if (!m) return fail("signed manifest is malformed: " + m.error().message);
  return m;
}

}  // namespace bulwark::release
