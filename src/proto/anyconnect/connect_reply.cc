#include "proto/anyconnect/connect_reply.h"

#include <arpa/inet.h>

#include <algorithm>

namespace bulwark::anyconnect {
namespace {

Result<std::optional<unsigned>> mtuHeader(const http::Request& req, std::string_view name) {
  auto v = req.header(name);
  if (!v) return std::optional<unsigned>{};
  if (v->empty() || v->size() > 5 || !std::all_of(v->begin(), v->end(), ::isdigit))
    return fail(std::string(name) + " is not a number");
  unsigned n = static_cast<unsigned>(std::stoul(std::string(*v)));
  if (n < kMinMtu || n > kMaxMtu) return fail(std::string(name) + " out of range");
  return std::optional<unsigned>{n};
}

bool cookieCharsOk(std::string_view c) {
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '+' ||
           ch == '/' || ch == '=';
  });
}

// X-CSTP-Banner is %-encoded text.
std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == ' ' || c == '.' || c == ',' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string seconds(unsigned s) { return s == 0 ? "none" : std::to_string(s); }

}  // namespace

Result<ConnectRequest> parseConnectRequest(const http::Request& req) {
  ConnectRequest out;
  if (auto c = http::cookieValue(req, kCookieName)) {
    if (c->size() > kMaxCookieLength || !cookieCharsOk(*c)) return fail("malformed cookie");
    out.cookie = SecretBuffer(*c);
  }
  if (auto a = req.header("X-CSTP-Address")) {
    in_addr tmp{};
    if (inet_pton(AF_INET, std::string(*a).c_str(), &tmp) != 1)
      return fail("X-CSTP-Address is not an IPv4 address");
    out.previous_address = std::string(*a);
  }
  auto base = mtuHeader(req, "X-CSTP-Base-MTU");
  auto mtu = mtuHeader(req, "X-CSTP-MTU");
  if (!base) return fail(base.error());
  if (!mtu) return fail(mtu.error());
  out.base_mtu = *base;
  out.mtu = *mtu;
  auto suites = req.header("X-DTLS-CipherSuite");
  out.offers_psk_negotiate = suites && suiteListed(*suites, "PSK-NEGOTIATE");
  if (auto secret = req.header("X-DTLS-Master-Secret")) {
    auto parsed = parseDtlsMasterSecret(*secret);
    if (!parsed) return fail(parsed.error());
    out.dtls_master_secret = std::move(*parsed);
    // anyconnect.md 5.1: PSK-NEGOTIATE when offered; the secret is then unused.
    if (!out.offers_psk_negotiate)
      out.legacy_dtls_suite = chooseLegacyDtlsSuite(suites, req.header("X-DTLS12-CipherSuite"));
  }
  return out;
}

std::string buildConnectReply(const TunnelParams& p) {
  std::string r = "HTTP/1.1 200 CONNECTED\r\n";
  auto h = [&r](std::string_view name, const std::string& value) {
    r += name;
    r += ": ";
    r += value;
    r += "\r\n";
  };
  h("X-CSTP-Version", "1");
  h("X-CSTP-Server-Name", "bulwark");
  h("X-CSTP-Address", p.client_address);
  h("X-CSTP-Netmask", p.netmask);
  for (const auto& d : p.dns) h("X-CSTP-DNS", d);
  if (!p.default_domain.empty()) h("X-CSTP-Default-Domain", p.default_domain);
  for (const auto& s : p.split_include) h("X-CSTP-Split-Include", s);
  h("X-CSTP-Keepalive", std::to_string(p.keepalive_seconds));
  h("X-CSTP-DPD", std::to_string(p.dpd_seconds));
  h("X-CSTP-Idle-Timeout", seconds(p.idle_timeout_seconds));
  h("X-CSTP-Rekey-Method", "none");
  h("X-CSTP-Session-Timeout", seconds(p.session_timeout_seconds));
  h("X-CSTP-Disconnected-Timeout", "none");
  if (!p.banner.empty()) h("X-CSTP-Banner", percentEncode(p.banner));
  h("X-CSTP-Base-MTU", std::to_string(p.base_mtu));
  h("X-CSTP-MTU", std::to_string(p.mtu));
  if (!p.dtls_app_id.empty()) {
    if (p.legacy_dtls_suite) {  // anyconnect.md 5.3
      h("X-DTLS-Session-ID", p.dtls_app_id);
      h(p.legacy_dtls_suite->header, std::string(p.legacy_dtls_suite->name));
    } else {  // anyconnect.md 5.2
      h("X-DTLS-App-ID", p.dtls_app_id);
      h("X-DTLS-CipherSuite", "PSK-NEGOTIATE");
    }
    h("X-DTLS-Port", std::to_string(p.dtls_port));
    h("X-DTLS-DPD", std::to_string(p.dpd_seconds));
    h("X-DTLS-Keepalive", std::to_string(p.keepalive_seconds));
  }
  r += "\r\n";
  return r;
}

}  // namespace bulwark::anyconnect
