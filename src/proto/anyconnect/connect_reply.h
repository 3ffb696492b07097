// The CONNECT /CSCOSSLC/tunnel exchange (anyconnect.md section 3): reading
// the client's request headers and building the "200 CONNECTED" reply.
//
// Reply header names are case-sensitive for the client; they are written
// exactly as the spec's table. DTLS headers are added when the params carry
// an App-ID: PSK-NEGOTIATE (anyconnect.md 5.2), or for a client that does not
// offer it the legacy resumed session (5.3, legacy_dtls.h) with the App-ID as
// its session id; no Content-Encoding (compression declined).
//
//   auto c = parseConnectRequest(req);          // cookie, X-CSTP-* hints
//   std::string head = buildConnectReply(params); // send, then CSTP frames
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/secret_buffer.h"
#include "proto/anyconnect/legacy_dtls.h"
#include "proto/http/request.h"

namespace bulwark::anyconnect {

inline constexpr std::string_view kCookieName = "webvpn";
inline constexpr std::size_t kMaxCookieLength = 128;
inline constexpr unsigned kMinMtu = 576;
inline constexpr unsigned kMaxMtu = 9000;

struct ConnectRequest {
  SecretBuffer cookie;                          // empty if absent
  std::optional<std::string> previous_address;  // X-CSTP-Address (reconnect)
  std::optional<unsigned> base_mtu;             // X-CSTP-Base-MTU
  std::optional<unsigned> mtu;                  // X-CSTP-MTU
  bool offers_psk_negotiate = false;            // X-DTLS-CipherSuite lists PSK-NEGOTIATE
  SecretBuffer dtls_master_secret;              // X-DTLS-Master-Secret, 48 bytes; empty if absent
  // The legacy suite the gateway would pick from X-DTLS(12)-CipherSuite, if
  // the client did not offer PSK-NEGOTIATE and sent a master secret.
  std::optional<LegacyDtlsSuite> legacy_dtls_suite;
  [[nodiscard]] bool offersDtls() const { return offers_psk_negotiate || legacy_dtls_suite; }
};

Result<ConnectRequest> parseConnectRequest(const http::Request& req);

struct TunnelParams {
  std::string client_address;
  std::string netmask;
  unsigned mtu = 1434;
  unsigned base_mtu = 1500;  // the link MTU: the client sizes DTLS from it
  std::vector<std::string> dns;
  std::string default_domain;
  std::vector<std::string> split_include;  // "a.b.c.d/m.m.m.m"; empty = full tunnel
  unsigned dpd_seconds = 0;
  unsigned keepalive_seconds = 0;
  unsigned idle_timeout_seconds = 0;     // 0 = none
  unsigned session_timeout_seconds = 0;  // 0 = none
  std::string banner;
  std::string dtls_app_id;  // hex; empty: no DTLS offered
  unsigned dtls_port = 0;
  // Set: legacy mode with this suite (X-DTLS-Session-ID = the App-ID);
  // unset: PSK-NEGOTIATE.
  std::optional<LegacyDtlsSuite> legacy_dtls_suite;
};

std::string buildConnectReply(const TunnelParams& p);

}  // namespace bulwark::anyconnect
