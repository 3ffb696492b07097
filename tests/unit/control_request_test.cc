#include <gtest/gtest.h>

#include "main/control_server.h"

namespace bulwark::mainproc {
namespace {

class FakeGateway : public ControlHandler {
 public:
  nlohmann::json listSessions() override {
    return nlohmann::json::array({{{"id", 1}, {"user", "alice"}}});
  }
  Result<unsigned> disconnectSession(std::uint64_t id) override {
    last_id = id;
    if (id != 1) return fail("no session " + std::to_string(id));
    return 1u;
  }
  Result<unsigned> disconnectUser(const std::string& u) override {
    last_user = u;
    return 2u;
  }
  nlohmann::json listBans() override {
    return nlohmann::json::array({{{"kind", "user"}, {"name", "mallory"}}});
  }
  Result<unsigned> clearBan(const std::string& key) override {
    last_key = key;
    return 1u;
  }
  Result<nlohmann::json> applyMitigation(const std::string& policy) override {
    if (policy != "signed") return fail("policy refused: bad signature");
    return nlohmann::json{{"version", 2}};
  }
  nlohmann::json status() override { return {{"tunnels", 3}}; }
  Result<void> noteAdminAction(const std::string& event, const std::string& user,
                               uid_t uid) override {
    last_action = event + " " + user + " " + std::to_string(uid);
    return {};
  }
  Result<nlohmann::json> reloadConfig(const std::string& by) override {
    last_reload_by = by;
    if (!reload_ok) return fail("reload refused: b.toml:3: bad");
    return nlohmann::json{{"changed", {"network.dns"}}, {"generation", 2}};
  }
  bool reload_ok = true;
  std::string last_reload_by;
  std::string last_action;
  std::uint64_t last_id = 0;
  std::string last_user;
  std::string last_key;
};

TEST(ControlRequest, MitigationAndStatus) {
  FakeGateway g;
  EXPECT_EQ(
      answerControlRequest(R"({"cmd":"mitigation","policy":"signed"})", g)["mitigation"]["version"],
      2);
  auto bad = answerControlRequest(R"({"cmd":"mitigation","policy":"forged"})", g);
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"], "policy refused: bad signature");
  EXPECT_FALSE(answerControlRequest(R"({"cmd":"mitigation"})", g)["ok"].get<bool>());
  EXPECT_EQ(answerControlRequest(R"({"cmd":"status"})", g)["status"]["tunnels"], 3);
}

TEST(ControlRequest, ReloadReportsChangesOrTheRefusal) {
  FakeGateway g;
  auto ok = answerControlRequest(R"({"cmd":"reload"})", g, 1000);
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(ok["reload"]["changed"][0], "network.dns");
  EXPECT_EQ(g.last_reload_by, "uid 1000");
  g.reload_ok = false;
  auto bad = answerControlRequest(R"({"cmd":"reload"})", g);
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"], "reload refused: b.toml:3: bad");
}

TEST(ControlRequest, AdminActionsCarryThePeerUid) {
  FakeGateway g;
  EXPECT_TRUE(answerControlRequest(R"({"cmd":"admin_action","event":"user.add","user":"bob"})", g,
                                   1001)["ok"]
                  .get<bool>());
  EXPECT_EQ(g.last_action, "user.add bob 1001");
  EXPECT_FALSE(
      answerControlRequest(R"({"cmd":"admin_action","event":"user.add"})", g)["ok"].get<bool>());
}

TEST(ControlRequest, BansAndUnban) {
  FakeGateway g;
  EXPECT_EQ(answerControlRequest(R"({"cmd":"bans"})", g)["bans"][0]["name"], "mallory");
  EXPECT_EQ(answerControlRequest(R"({"cmd":"unban","key":"user:mallory"})", g)["cleared"], 1);
  EXPECT_EQ(g.last_key, "user:mallory");
  EXPECT_EQ(answerControlRequest(R"({"cmd":"unban","key":"*"})", g)["cleared"], 1);
  auto bad = answerControlRequest(R"({"cmd":"unban","key":"root"})", g);
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(g.last_key, "*");
  EXPECT_FALSE(answerControlRequest(R"({"cmd":"unban"})", g)["ok"].get<bool>());
}

TEST(ControlRequest, Sessions) {
  FakeGateway g;
  auto r = answerControlRequest(R"({"cmd":"sessions"})", g);
  EXPECT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["sessions"][0]["user"], "alice");
}

TEST(ControlRequest, DisconnectByIdAndUser) {
  FakeGateway g;
  EXPECT_EQ(answerControlRequest(R"({"cmd":"disconnect","id":1})", g)["ended"], 1);
  auto missing = answerControlRequest(R"({"cmd":"disconnect","id":5})", g);
  EXPECT_FALSE(missing["ok"].get<bool>());
  EXPECT_EQ(missing["error"], "no session 5");
  EXPECT_EQ(answerControlRequest(R"({"cmd":"disconnect","user":"bob"})", g)["ended"], 2);
  EXPECT_EQ(g.last_user, "bob");
}

TEST(ControlRequest, MalformedRequestsGetErrors) {
  FakeGateway g;
  for (const char* bad :
       {"", "[", "[]", "{}", R"({"cmd":5})", R"({"cmd":"reboot"})", R"({"cmd":"disconnect"})",
        R"({"cmd":"disconnect","id":-1})", R"({"cmd":"disconnect","id":"1"})"}) {
    auto r = answerControlRequest(bad, g);
    EXPECT_FALSE(r["ok"].get<bool>()) << bad;
    EXPECT_TRUE(r["error"].is_string()) << bad;
  }
  EXPECT_EQ(g.last_id, 0u);
}

}  // namespace
}  // namespace bulwark::mainproc
