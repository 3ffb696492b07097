// Fuzzes CONNECT request handling: HTTP parse, then the CSTP header/cookie
// extraction the worker does before asking authd about the cookie.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "proto/anyconnect/connect_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in = "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n" +
                   std::string(reinterpret_cast<const char*>(data), size) + "\r\n\r\n";
  auto r = bulwark::http::parseRequest(in);
  if (!r || !r->request) return 0;
  auto c = bulwark::anyconnect::parseConnectRequest(*r->request);
  if (c && c->cookie.size() > bulwark::anyconnect::kMaxCookieLength) std::abort();
  if (c && c->mtu &&
      (*c->mtu < bulwark::anyconnect::kMinMtu || *c->mtu > bulwark::anyconnect::kMaxMtu))
    std::abort();
  // Legacy DTLS: a suite only with a whole master secret, and never beside PSK-NEGOTIATE.
  if (c && c->legacy_dtls_suite &&
      (c->dtls_master_secret.size() != bulwark::anyconnect::kDtlsMasterSecretBytes ||
       c->offers_psk_negotiate))
    std::abort();
  return 0;
}
