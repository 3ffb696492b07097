#include "release/file_hash.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace bulwark::release {

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

constexpr std::size_t kChunkBytes = 64 * 1024;

std::string toHex(const unsigned char* p, unsigned n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0xf]);
  }
  return out;
}

Result<std::string> finish(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_DigestFinal_ex(ctx, md, &n) != 1) return fail("sha256 failed");
  return toHex(md, n);
}

}  // namespace

Result<FileDigest> sha256OfFd(int fd, std::uint64_t max_bytes) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    return fail("sha256 failed");
  auto buf = std::make_unique<char[]>(kChunkBytes);
  FileDigest d;
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), kChunkBytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    d.bytes_read += static_cast<std::uint64_t>(n);
    if (d.bytes_read > max_bytes) return fail("larger than the read cap");
    if (EVP_DigestUpdate(ctx.get(), buf.get(), static_cast<std::size_t>(n)) != 1) {
      return fail("sha256 failed");
    }
  }
  auto hex = finish(ctx.get());
  if (!hex) return fail(hex.error());
  d.hex = std::move(*hex);
  return d;
}

std::string sha256Hex(std::string_view bytes) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1) {
    std::abort();  // cannot happen with the default provider: broken invariant
  }
  auto hex = finish(ctx.get());
  if (!hex) std::abort();
  return *hex;
}

}  // namespace bulwark::release
