#include "proto/http/response.h"

namespace bulwark::http {

std::string serializeResponse(int status, std::string_view reason, const HeaderList& headers,
                              std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

std::string serializeErrorResponse(int status, std::string_view reason) {
  return serializeResponse(status, reason, {{"Connection", "close"}}, {});
}

}  // namespace bulwark::http
