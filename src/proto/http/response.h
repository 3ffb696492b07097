// HTTP response serialization for the worker. Always sends Content-Length
// (anyconnect.md 1.4) except on the CONNECT reply, which has its own builder.
//
//   std::string r = serializeResponse(200, "OK", {{"Content-Type", "text/xml"}}, body);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulwark::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string serializeResponse(int status, std::string_view reason, const HeaderList& headers,
                              std::string_view body);
// A refusal: status, Connection: close, empty body.
std::string serializeErrorResponse(int status, std::string_view reason);

}  // namespace bulwark::http
