// SHA-256 of file contents, read in fixed-size chunks from an open fd so a
// large file never sits in memory, with a hard cap on the bytes read.
//
//   Result<FileDigest> d = sha256OfFd(fd.get(), kMaxHashedFileBytes);
//   if (d && d->bytes_read == expected_size) use(d->hex);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::release {

inline constexpr std::uint64_t kMaxHashedFileBytes = 4ull << 30;  // 4 GiB

struct FileDigest {
  std::string hex;  // 64 lowercase hex digits
  std::uint64_t bytes_read = 0;
};

// Reads fd to EOF; fails if more than max_bytes are available.
[[nodiscard]] Result<FileDigest> sha256OfFd(int fd, std::uint64_t max_bytes);

[[nodiscard]] std::string sha256Hex(std::string_view bytes);

}  // namespace bulwark::release
