// Fuzzes the worker's HTTP request parser: any input either needs more
// bytes, yields a request whose path passed the canonical-path checks, or
// an error with a 4xx/5xx status.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/http/request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = bulwark::http::parseRequest(in);
  if (!r) {
    if (r.error().status < 400 || r.error().status > 599) std::abort();
    return 0;
  }
  if (!r->request) return 0;
  const auto& req = *r->request;
  if (r->consumed > size || req.path.empty() || req.path[0] != '/') std::abort();
  if (req.path.find("..") != std::string::npos || req.path.find('%') != std::string::npos) std::abort();
  if (req.body.size() > bulwark::http::kMaxBodyBytes) std::abort();
  (void)bulwark::http::cookieValue(req, "webvpn");
  return 0;
}
