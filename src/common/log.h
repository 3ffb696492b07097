// Logging: one spdlog logger per process, named after the process role.
//
// Log lines go to stderr (journald picks them up under systemd). Secrets are
// SecretBuffer and have no formatter, so they cannot appear here.
//   initLogging("worker");  spdlog::warn("refused {}: {}", peer, why);
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace bulwark {

void initLogging(std::string_view role, bool debug = false);

// Client-supplied text (user names, ...) made safe for one log line:
// non-printable bytes become \xNN and the result is capped at 64 bytes, so
// nobody can forge or flood log lines through a login form.
std::string logSafe(std::string_view untrusted);

}  // namespace bulwark
