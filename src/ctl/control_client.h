// Control client: sends one JSON request to bulwarkd's control socket and
// returns its JSON reply.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"

namespace bulwark::ctl {

Result<nlohmann::json> callGateway(const std::string& socket_path, const nlohmann::json& request);

}  // namespace bulwark::ctl
