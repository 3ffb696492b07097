// AnyConnect "aggregate auth" XML (anyconnect.md section 2): parsing the
// client's <config-auth> POST body and building the server's forms.
//
// Hostile XML is refused before it reaches the parser's features: the body
// size is capped, any DOCTYPE/ENTITY declaration is rejected outright, and
// nesting depth is limited. Field values are read as text of exact elements,
// never by substring search. The password comes back as a SecretBuffer and
// the parse buffer is wiped.
//
//   auto doc = parseClientAuth(body);
//   if (!doc) answer400();
//   else if (doc->type == ClientAuthType::kAuthReply) check(doc->username, doc->password);
//   std::string form = buildLoginForm("Please log in.", /*error=*/"");
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::anyconnect {

inline constexpr std::size_t kMaxAuthXml = 64 * 1024;
inline constexpr std::size_t kMaxXmlDepth = 16;
inline constexpr std::size_t kMaxFieldLength = 1024;

enum class ClientAuthType { kInit, kAuthReply };

struct ClientAuth {
  ClientAuthType type = ClientAuthType::kInit;
  std::string username;
  SecretBuffer password;
  SecretBuffer otp;  // <secondary_password>, the one-time code of the second form
  std::string group_select;
};

Result<ClientAuth> parseClientAuth(std::string_view body);

// Login form: auth id "main", username + password inputs; `error` (if not
// empty) is shown as an error above the form (a retry after a failure).
std::string buildLoginForm(std::string_view message, std::string_view error);
// The second form (anyconnect.md 2.4): auth id "totp", one password field
// named "secondary_password", which openconnect's --token-mode=totp fills
// by itself; --form-entry totp:secondary_password=CODE and a second stdin
// line work too.
inline constexpr std::string_view kOtpFormId = "totp";
std::string buildOtpForm(std::string_view message, std::string_view error);
// A final answer with only an error and no inputs: the client prints the
// error and ends authentication (anyconnect.md 2.5, option 3).
std::string buildRefusal(std::string_view error);
// type="complete" with the session token and <auth id="success">.
std::string buildAuthSuccess(std::string_view cookie, std::string_view message);

std::string xmlEscape(std::string_view text);

}  // namespace bulwark::anyconnect
