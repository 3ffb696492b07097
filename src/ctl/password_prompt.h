// Reading a new password for `bulwarkctl user add/passwd`: from stdin (one
// line, for scripts) or from the terminal with echo off, asked twice.
#pragma once

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::ctl {

inline constexpr std::size_t kMaxNewPassword = 1024;

Result<SecretBuffer> readPasswordFromStdin();
Result<SecretBuffer> promptNewPassword();

}  // namespace bulwark::ctl
