#include "tun/link_netlink.h"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace bulwark::tun {
namespace {

struct MnlClose {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};
using MnlSocket = std::unique_ptr<mnl_socket, MnlClose>;

// One acknowledged link request: `type` for the device `index` (0: none),
// with IFLA_GROUP set to `group` if given. The kernel's answer is an
// NLMSG_ERROR whose error is 0 on success; mnl_cb_run turns any other into
// -1 and errno.
Result<void> linkRequest(std::uint16_t type, int index, std::optional<std::uint32_t> group,
                         const std::string& what) {
  alignas(nlmsghdr) std::array<char, 8192> buf{};
  nlmsghdr* header = mnl_nlmsg_put_header(buf.data());
  header->nlmsg_type = type;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  header->nlmsg_seq = 1;
  auto* link = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(header, sizeof(ifinfomsg)));
  link->ifi_family = AF_UNSPEC;
  link->ifi_index = index;
  if (group) mnl_attr_put_u32(header, IFLA_GROUP, *group);

  MnlSocket nl(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!nl) return errnoFail("netlink socket");
  if (mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) return errnoFail("netlink bind");
  if (mnl_socket_sendto(nl.get(), header, header->nlmsg_len) < 0) return errnoFail("netlink send");
  ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
  if (n < 0) return errnoFail("netlink reply");
  if (mnl_cb_run(buf.data(), static_cast<std::size_t>(n), header->nlmsg_seq,
                 mnl_socket_get_portid(nl.get()), nullptr, nullptr) < 0)
    return errnoFail(what);
  return {};
}

Result<int> indexOf(const std::string& name) {
  unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) return fail("index of " + name + ": " + std::strerror(errno));
  return static_cast<int>(index);
}

}  // namespace

Result<void> deleteLink(const std::string& name) {
  auto index = indexOf(name);
  if (!index) return fail(index.error());
  return linkRequest(RTM_DELLINK, *index, std::nullopt, "delete " + name);
}

Result<void> setLinkGroup(const std::string& name, std::uint32_t group) {
  auto index = indexOf(name);
  if (!index) return fail(index.error());
  return linkRequest(RTM_SETLINK, *index, group,
                     "put " + name + " in link group " + std::to_string(group));
}

Result<void> deleteLinkGroup(std::uint32_t group) {
  if (group == 0) return fail("refusing to delete link group 0 (every device's default)");
  return linkRequest(RTM_DELLINK, 0, group, "delete link group " + std::to_string(group));
}

}  // namespace bulwark::tun
