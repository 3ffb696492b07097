#include "proto/anyconnect/auth_xml.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace bulwark::anyconnect {
namespace {

// anyconnect.md 2.1 and 2.3, as the real client sends them.
constexpr std::string_view kInit =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"init\" "
    "aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01-3</version><device-id>linux-64"
    "</device-id><capabilities><auth-method>single-sign-on-v2</auth-method></capabilities>"
    "<group-access>https://10.200.0.1/</group-access></config-auth>";
constexpr std::string_view kReply =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"auth-reply\" "
    "aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01-3</version><device-id>linux-64"
    "</device-id><auth><username>alice</username><password>a&amp;b&lt;c</password></auth>"
    "</config-auth>";

TEST(AuthXml, ParsesInit) {
  auto d = parseClientAuth(kInit);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->type, ClientAuthType::kInit);
}

TEST(AuthXml, ParsesReplyAndDecodesEntities) {
  auto d = parseClientAuth(kReply);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->type, ClientAuthType::kAuthReply);
  EXPECT_EQ(d->username, "alice");
  EXPECT_EQ(d->password.view(), "a&b<c");
}

TEST(AuthXml, RefusesHostileDocuments) {
  EXPECT_FALSE(parseClientAuth(""));
  EXPECT_FALSE(parseClientAuth("<config-auth type=\"init\">"));  // unclosed
  EXPECT_FALSE(parseClientAuth("<other type=\"init\"/>"));
  EXPECT_FALSE(parseClientAuth("<config-auth type=\"weird\"/>"));
  EXPECT_FALSE(parseClientAuth(
      "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><config-auth type=\"init\"/>"));
  std::string deep = "<config-auth type=\"init\">";
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  EXPECT_FALSE(parseClientAuth(deep + "</config-auth>"));
  EXPECT_FALSE(parseClientAuth(std::string(kMaxAuthXml + 1, ' ')));
  std::string long_user = "<config-auth type=\"auth-reply\"><auth><username>" +
                          std::string(kMaxFieldLength + 1, 'u') +
                          "</username></auth></config-auth>";
  EXPECT_FALSE(parseClientAuth(long_user));
}

TEST(AuthXml, LoginFormIsWhatTheClientNeeds) {
  std::string form = buildLoginForm("Hello <you>", "Login failed.");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(form.c_str()));
  auto auth = doc.child("config-auth").child("auth");
  EXPECT_STREQ(auth.attribute("id").value(), "main");
  EXPECT_STREQ(auth.child("message").text().get(), "Hello <you>");
  EXPECT_STREQ(auth.child("error").text().get(), "Login failed.");
  auto f = auth.child("form");
  EXPECT_STREQ(f.attribute("method").value(), "post");
  EXPECT_STREQ(f.attribute("action").value(), "/");
  EXPECT_TRUE(f.find_child_by_attribute("input", "type", "password"));
  EXPECT_TRUE(f.find_child_by_attribute("input", "name", "username"));
  EXPECT_EQ(buildLoginForm("m", "").find("<error"), std::string::npos);
}

TEST(AuthXml, OtpFormIsTheTotpShapeOpenconnectFillsItself) {
  std::string form = buildOtpForm("Enter the code.", "Wrong code.");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(form.c_str()));
  auto auth = doc.child("config-auth").child("auth");
  EXPECT_STREQ(auth.attribute("id").value(), "totp");
  EXPECT_STREQ(auth.child("error").text().get(), "Wrong code.");
  auto inputs = auth.child("form").children("input");
  ASSERT_EQ(std::distance(inputs.begin(), inputs.end()), 1);
  EXPECT_STREQ(inputs.begin()->attribute("name").value(), "secondary_password");
  EXPECT_STREQ(inputs.begin()->attribute("type").value(), "password");
}

TEST(AuthXml, RefusalHasAnErrorAndNoInputs) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(buildRefusal("Logins are <off>.").c_str()));
  auto auth = doc.child("config-auth").child("auth");
  EXPECT_STREQ(auth.child("error").text().get(), "Logins are <off>.");
  EXPECT_FALSE(auth.child("form").child("input"));
}

TEST(AuthXml, SecondaryPasswordIsReadAsTheOneTimeCode) {
  auto d = parseClientAuth(
      "<config-auth type=\"auth-reply\"><auth><secondary_password>123456</secondary_password>"
      "</auth></config-auth>");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->otp.view(), "123456");
  EXPECT_TRUE(d->username.empty());
  EXPECT_TRUE(d->password.empty());
}

TEST(AuthXml, SuccessCarriesSessionTokenAndAuthSuccess) {
  std::string ok = buildAuthSuccess("TOKEN_1", "Welcome, <b>.");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(ok.c_str()));
  auto root = doc.child("config-auth");
  EXPECT_STREQ(root.attribute("type").value(), "complete");
  EXPECT_STREQ(root.child("session-token").text().get(), "TOKEN_1");
  EXPECT_STREQ(root.child("auth").attribute("id").value(), "success");
}

}  // namespace
}  // namespace bulwark::anyconnect
