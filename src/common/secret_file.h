// Reading and atomically replacing small files that hold secrets (users
// file, TOTP seeds). Reads are size-capped; the replacement is written to a
// temporary file with the given mode, fsynced and renamed over the old one,
// so a reader sees either the old or the new file, never half of one. The
// in-memory copies are wiped.
//
//   auto text = readSecretFile(path, 16 << 20, /*allow_missing=*/false);
//   writeSecretFileAtomically(path, text_to_write, 0600);
#pragma once

#include <sys/types.h>

#include <string>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark {

// A missing file reads as empty only if allow_missing.
Result<SecretBuffer> readSecretFile(const std::string& path, std::size_t max_bytes,
                                    bool allow_missing);
Result<void> writeSecretFileAtomically(const std::string& path, std::string_view text,
                                       mode_t mode);

}  // namespace bulwark
