#include "ctl/control_client.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/unique_fd.h"
#include "ipc/limits.h"

namespace bulwark::ctl {

Result<nlohmann::json> callGateway(const std::string& socket_path, const nlohmann::json& request) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) return fail("socket path too long");
  std::strcpy(addr.sun_path, socket_path.c_str());
  int bufsize = static_cast<int>(2 * ipc::kCtlCap);
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return fail("cannot reach bulwarkd at " + socket_path + ": " + std::strerror(errno) +
                " (is it running? are you root or in the admin group?)");
  std::string req = request.dump();
  if (::send(fd.get(), req.data(), req.size(), MSG_NOSIGNAL) < 0)
    return fail(std::string("send: ") + std::strerror(errno));
  std::vector<char> buf(ipc::kCtlCap + 1);
  ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
  if (n <= 0) return fail("bulwarkd closed the control connection without a reply (permission denied?)");
  auto reply = nlohmann::json::parse(std::string_view(buf.data(), n), nullptr, false);
  if (reply.is_discarded()) return fail("bulwarkd sent a malformed reply");
  return reply;
}

}  // namespace bulwark::ctl
