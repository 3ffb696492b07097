// ControlServer: the admin control socket of bulwarkd (unix SOCK_SEQPACKET).
//
// Only root, or members of the configured admin group, may connect: the
// peer's credentials (SO_PEERCRED) are checked on accept. Each connection
// carries one JSON request and gets one JSON reply (schema in
// docs/design/privsep.md, "control socket"):
//   {"cmd":"sessions"}                    -> {"ok":true,"sessions":[...]}
//   {"cmd":"disconnect","id":N}           -> {"ok":true,"ended":1}
//   {"cmd":"disconnect","user":"alice"}   -> {"ok":true,"ended":K}
//   {"cmd":"bans"}                        -> {"ok":true,"bans":[...]}
//   {"cmd":"unban","key":"user:alice"}    -> {"ok":true,"cleared":N}  ("addr:IP", "*" = all)
//   {"cmd":"mitigation","policy":"..."}   -> {"ok":true,"mitigation":{...}} (signed policy text)
//   {"cmd":"status"}                      ->
//   {"ok":true,"status":{...,"mitigation":{...},"audit":{...}}}
//   {"cmd":"reload"}                      -> {"ok":true,"reload":{"changed":[...],"generation":N}}
//                                            (re-reads the config file; all or nothing)
//   {"cmd":"admin_action","event":"user.add","user":"bob"} -> {"ok":true} (audited with the uid)
//   anything else                         -> {"ok":false,"error":"..."}
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "common/event_loop.h"
#include "common/unique_fd.h"

namespace bulwark::mainproc {

class ControlHandler {
 public:
  virtual ~ControlHandler() = default;
  virtual nlohmann::json listSessions() = 0;
  virtual Result<unsigned> disconnectSession(std::uint64_t session_id) = 0;
  virtual Result<unsigned> disconnectUser(const std::string& username) = 0;
  virtual nlohmann::json listBans() = 0;
  virtual Result<unsigned> clearBan(const std::string& key) = 0;
  // Verifies (release key), checks the version, persists and applies.
  virtual Result<nlohmann::json> applyMitigation(const std::string& signed_policy) = 0;
  virtual nlohmann::json status() = 0;
  // Re-reads the configuration file and applies it without dropping
  // sessions, or refuses with the reason (parse error, restart-only key).
  // by: who asked ("uid 0", "SIGHUP"), for the audit record.
  virtual Result<nlohmann::json> reloadConfig(const std::string& by) = 0;
  // bulwarkctl edited the users or TOTP file: record it (with who did it).
  virtual Result<void> noteAdminAction(const std::string& event, const std::string& user,
                                       uid_t uid) = 0;
};

// Pure request dispatch, separate from the socket so it is testable.
// peer_uid: the connecting admin (SO_PEERCRED), recorded with admin actions.
nlohmann::json answerControlRequest(std::string_view request, ControlHandler& handler,
                                    uid_t peer_uid = 0);

class ControlServer {
 public:
  // admin_gid < 0: root only.
  static Result<std::unique_ptr<ControlServer>> open(const std::string& path, gid_t admin_gid,
                                                     bool has_admin_group, EventLoop& loop,
                                                     ControlHandler& handler);
  ~ControlServer();

 private:
  ControlServer(UniqueFd fd, gid_t admin_gid, bool has_admin_group, EventLoop& loop,
                ControlHandler& handler);
  void onAccept();
  void onClient(int fd);
  bool peerAllowed(int fd) const;

  UniqueFd listener_;
  gid_t admin_gid_;
  bool has_admin_group_;
  EventLoop& loop_;
  ControlHandler& handler_;
  EventLoop::Token token_ = 0;
  std::unordered_map<int, std::pair<UniqueFd, EventLoop::Token>> clients_;
  std::string path_;
};

}  // namespace bulwark::mainproc
