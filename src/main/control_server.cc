#include "main/control_server.h"

#include <grp.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/log.h"
#include "ipc/limits.h"

namespace bulwark::mainproc {
namespace {

using nlohmann::json;

json errorReply(const std::string& msg) { return json{{"ok", false}, {"error", msg}}; }

json endedReply(const Result<unsigned>& r) {
  if (!r) return errorReply(r.error().message);
  return json{{"ok", true}, {"ended", *r}};
}

json answerDisconnect(const json& req, ControlHandler& handler) {
  if (req.contains("id") && req["id"].is_number_unsigned())
    return endedReply(handler.disconnectSession(req["id"].get<std::uint64_t>()));
  if (req.contains("user") && req["user"].is_string())
    return endedReply(handler.disconnectUser(req["user"].get<std::string>()));
  return errorReply("disconnect needs \"id\" (number) or \"user\" (string)");
}

json answerUnban(const json& req, ControlHandler& handler) {
  if (!req.contains("key") || !req["key"].is_string())
    return errorReply("unban needs \"key\": \"user:NAME\", \"addr:IP\" or \"*\"");
  const std::string key = req["key"].get<std::string>();
  if (key != "*" && !key.starts_with("user:") && !key.starts_with("addr:"))
    return errorReply("unban key must be \"user:NAME\", \"addr:IP\" or \"*\"");
  auto r = handler.clearBan(key);
  if (!r) return errorReply(r.error().message);
  return json{{"ok", true}, {"cleared", *r}};
}

bool userInGroup(uid_t uid, gid_t gid) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* res = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) != 0 || res == nullptr) return false;
  int n = 64;
  std::vector<gid_t> groups(n);
  if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) return false;
  for (int i = 0; i < n; ++i)
    if (groups[i] == gid) return true;
  return false;
}

}  // namespace

json answerControlRequest(std::string_view request, ControlHandler& handler, uid_t peer_uid) {
  json req = json::parse(request, nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded() || !req.is_object()) return errorReply("request is not a JSON object");
  if (!req.contains("cmd") || !req["cmd"].is_string()) return errorReply("missing \"cmd\"");
  const std::string cmd = req["cmd"].get<std::string>();
  if (cmd == "sessions") return json{{"ok", true}, {"sessions", handler.listSessions()}};
  if (cmd == "disconnect") return answerDisconnect(req, handler);
  if (cmd == "bans") return json{{"ok", true}, {"bans", handler.listBans()}};
  if (cmd == "unban") return answerUnban(req, handler);
  if (cmd == "status") return json{{"ok", true}, {"status", handler.status()}};
  if (cmd == "reload") {
    auto r = handler.reloadConfig("uid " + std::to_string(peer_uid));
    if (!r) return errorReply(r.error().message);
    return json{{"ok", true}, {"reload", *r}};
  }
  if (cmd == "admin_action") {
    if (!req.contains("event") || !req["event"].is_string() || !req.contains("user") ||
        !req["user"].is_string())
      return errorReply("admin_action needs \"event\" and \"user\"");
    auto r = handler.noteAdminAction(req["event"].get<std::string>(),
                                     req["user"].get<std::string>(), peer_uid);
    if (!r) return errorReply(r.error().message);
    return json{{"ok", true}};
  }
  if (cmd == "mitigation") {
    if (!req.contains("policy") || !req["policy"].is_string())
      return errorReply("mitigation needs \"policy\": the signed policy text");
    auto r = handler.applyMitigation(req["policy"].get<std::string>());
    if (!r) return errorReply(r.error().message);
    return json{{"ok", true}, {"mitigation", *r}};
  }
  return errorReply("unknown command: " + cmd);
}

Result<std::unique_ptr<ControlServer>> ControlServer::open(const std::string& path, gid_t admin_gid,
                                                           bool has_admin_group, EventLoop& loop,
                                                           ControlHandler& handler) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return fail(std::string("control socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return fail("control socket path too long: " + path);
  std::strcpy(addr.sun_path, path.c_str());
  ::unlink(path.c_str());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return fail("bind " + path + ": " + std::strerror(errno));
  if (::chown(path.c_str(), 0, has_admin_group ? admin_gid : 0) != 0 ||
      ::chmod(path.c_str(), has_admin_group ? 0660 : 0600) != 0)
    return fail("cannot set owner/mode of " + path + ": " + std::strerror(errno));
  if (::listen(fd.get(), 16) != 0) return fail(std::string("listen: ") + std::strerror(errno));
  auto s = std::unique_ptr<ControlServer>(
      new ControlServer(std::move(fd), admin_gid, has_admin_group, loop, handler));
  s->path_ = path;
  return s;
}

ControlServer::ControlServer(UniqueFd fd, gid_t admin_gid, bool has_admin_group, EventLoop& loop,
                             ControlHandler& handler)
    : listener_(std::move(fd)),
      admin_gid_(admin_gid),
      has_admin_group_(has_admin_group),
      loop_(loop),
      handler_(handler) {
  token_ = loop_.add(listener_.get(), EPOLLIN, [this](std::uint32_t) { onAccept(); });
}

ControlServer::~ControlServer() {
  loop_.remove(token_);
  for (auto& [_, c] : clients_) loop_.remove(c.second);
  if (!path_.empty()) ::unlink(path_.c_str());
}

bool ControlServer::peerAllowed(int fd) const {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  if (cred.uid == 0) return true;
  return has_admin_group_ && (cred.gid == admin_gid_ || userInGroup(cred.uid, admin_gid_));
}

void ControlServer::onAccept() {
  UniqueFd c(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!c) return;
  if (!peerAllowed(c.get())) {
    spdlog::warn("control socket: refused a peer that is neither root nor in the admin group");
    return;
  }
  int fd = c.get();
  int bufsize = static_cast<int>(2 * ipc::kCtlCap);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize, sizeof(bufsize));
  auto tok = loop_.add(fd, EPOLLIN, [this, fd](std::uint32_t) { onClient(fd); });
  clients_.emplace(fd, std::make_pair(std::move(c), tok));
}

void ControlServer::onClient(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  std::vector<char> buf(ipc::kCtlCap + 1);
  ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_TRUNC);
  if (n > 0 && static_cast<std::size_t>(n) <= ipc::kCtlCap) {
    ucred cred{};
    socklen_t len = sizeof(cred);
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    std::string reply =
        answerControlRequest(std::string_view(buf.data(), n), handler_, cred.uid).dump();
    if (reply.size() > ipc::kCtlCap) reply = errorReply("reply too large").dump();
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
  loop_.remove(it->second.second);
  clients_.erase(it);
}

}  // namespace bulwark::mainproc
