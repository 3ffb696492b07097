// Logging: one spdlog logger per process, named after the process role.
//
// Log lines go to stderr (journald picks them up under systemd). Secrets are
// SecretBuffer and have no formatter, so they cannot appear here.
//   initLogging("worker");  spdlog::warn("refused {}: {}", peer, why);
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace bulwark {

void initLogging(std::string_view role, bool debug = false);

}  // namespace bulwark
