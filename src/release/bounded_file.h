// Whole-file reads with a size cap, and writes that never replace an
// existing file, for the release and verify tools (manifests, keys).
//
//   Result<std::string> text = readBoundedFile(path, kMaxSignedManifestBytes);
//   Result<void> ok = writeNewFile(out, text, 0644);  // fails if `out` exists
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"

namespace bulwark::release {

[[nodiscard]] Result<std::string> readBoundedFile(const std::string& path, std::size_t max_bytes);

// O_CREAT | O_EXCL | O_NOFOLLOW with exactly `mode` (umask does not widen or
// narrow it), then fsync. On failure the partial file is removed.
[[nodiscard]] Result<void> writeNewFile(const std::string& path, std::string_view bytes,
                                        mode_t mode);

}  // namespace bulwark::release
