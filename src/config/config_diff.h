// diffConfig: which keys differ between the running configuration and a
// newly read one, split into those a reload applies live and those that
// need a restart (listen address, certificate, pool, accounts, audit and
// integrity settings). A reload is all or nothing: if any restart-only key
// changed, nothing is applied.
//
//   auto d = diffConfig(running, next);
//   if (!d.restart_only.empty()) refuse("server.port needs a restart");
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace bulwark::config {

struct ConfigDiff {
  std::vector<std::string> live;          // e.g. "network.dns", "auth.max_failures"
  std::vector<std::string> restart_only;  // e.g. "server.port"
  [[nodiscard]] bool empty() const { return live.empty() && restart_only.empty(); }
};

ConfigDiff diffConfig(const Config& running, const Config& next);

}  // namespace bulwark::config
