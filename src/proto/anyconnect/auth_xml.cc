#include "proto/anyconnect/auth_xml.h"

#include <pugixml.hpp>
#include <vector>

namespace bulwark::anyconnect {
namespace {

// Cheap structural checks before pugixml sees the bytes.
Result<void> precheck(std::string_view body) {
  if (body.empty()) return fail("empty body");
  if (body.size() > kMaxAuthXml) return fail("XML body too large");
  if (body.find("<!") != std::string_view::npos)
    return fail("DOCTYPE, ENTITY or CDATA not allowed");
  std::size_t depth = 0;
  for (std::size_t i = 0; i + 1 < body.size(); ++i) {
    if (body[i] != '<') continue;
    char next = body[i + 1];
    if (next == '/') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (next != '?') {
      auto close = body.find('>', i);
      bool self_closing = close != std::string_view::npos && close > 0 && body[close - 1] == '/';
      if (!self_closing && ++depth > kMaxXmlDepth) return fail("XML nested too deeply");
    }
  }
  return {};
}

Result<std::string> fieldText(const pugi::xml_node& auth, const char* name) {
  pugi::xml_node n = auth.child(name);
  if (!n) return std::string();
  std::string v = n.text().get();
  if (v.size() > kMaxFieldLength) return fail(std::string(name) + " too long");
  return v;
}

Result<ClientAuth> readDocument(const pugi::xml_document& doc) {
  pugi::xml_node root = doc.child("config-auth");
  if (!root || root != doc.first_child()) return fail("root element is not config-auth");
  std::string_view type = root.attribute("type").value();
  ClientAuth out;
  if (type == "init") return out;
  if (type != "auth-reply") return fail("unknown config-auth type");
  out.type = ClientAuthType::kAuthReply;
  pugi::xml_node auth = root.child("auth");
  auto user = fieldText(auth, "username");
  auto pass = fieldText(auth, "password");
  auto otp = fieldText(auth, "secondary_password");
  auto group = fieldText(root, "group-select");
  if (!user || !pass || !otp || !group) return fail("field too long");
  out.username = std::move(*user);
  out.password = SecretBuffer::take(*pass);
  out.otp = SecretBuffer::take(*otp);
  out.group_select = std::move(*group);
  return out;
}

}  // namespace

Result<ClientAuth> parseClientAuth(std::string_view body) {
  if (auto ok = precheck(body); !ok) return fail(ok.error());
  std::vector<char> buf(body.begin(), body.end());
  pugi::xml_document doc;
  // No DOCTYPE processing, no entity expansion beyond the five XML ones.
  unsigned opts = pugi::parse_default & ~pugi::parse_doctype;
  pugi::xml_parse_result r =
      doc.load_buffer_inplace(buf.data(), buf.size(), opts, pugi::encoding_utf8);
  Result<ClientAuth> out =
      r ? readDocument(doc) : fail(std::string("malformed XML: ") + r.description());
  doc.reset();
  secureWipe(buf.data(), buf.size());
  return out;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string buildForm(std::string_view id, std::string_view message, std::string_view error,
                      std::string_view inputs) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
      "<auth id=\"" +
      std::string(id) +
      "\">\n<title>Bulwark VPN</title>\n"
      "<message>" +
      xmlEscape(message) + "</message>\n";
  if (!error.empty())
    x += "<error id=\"" + std::string(id) + "\" param1=\"\" param2=\"\">" + xmlEscape(error) +
         "</error>\n";
  x += "<form method=\"post\" action=\"/\">\n";
  x += inputs;
  x += "</form>\n</auth>\n</config-auth>\n";
  return x;
}

}  // namespace

std::string buildLoginForm(std::string_view message, std::string_view error) {
  return buildForm("main", message, error,
                   "<input type=\"text\" name=\"username\" label=\"Username:\" />\n"
                   "<input type=\"password\" name=\"password\" label=\"Password:\" />\n");
}

std::string buildOtpForm(std::string_view message, std::string_view error) {
  return buildForm(
      kOtpFormId, message, error,
      "<input type=\"password\" name=\"secondary_password\" label=\"TOTP code:\" />\n");
}

std::string buildRefusal(std::string_view error) { return buildForm("main", "", error, ""); }

std::string buildAuthSuccess(std::string_view cookie, std::string_view message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<config-auth client=\"vpn\" type=\"complete\" aggregate-auth-version=\"2\">\n"
         "<session-token>" +
         xmlEscape(cookie) +
         "</session-token>\n"
         "<auth id=\"success\">\n<message>" +
         xmlEscape(message) +
         "</message>\n</auth>\n"
         "</config-auth>\n";
}

}  // namespace bulwark::anyconnect
