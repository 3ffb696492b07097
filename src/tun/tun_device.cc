#include "tun/tun_device.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bulwark::tun {
namespace {

ifreq namedRequest(const std::string& name) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return ifr;
}

Result<void> setAddress(int sock, const std::string& name, unsigned long request,
                        std::uint32_t addr, const char* what) {
  ifreq ifr = namedRequest(name);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(addr);
  std::memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
  if (ioctl(sock, request, &ifr) != 0) return errnoFail(std::string(what) + " on " + name);
  return {};
}

}  // namespace

Result<TunDevice> attachTun(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) return fail("bad TUN device name '" + name + "'");
  UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!fd) return fail(std::string("open /dev/net/tun: ") + std::strerror(errno));
  ifreq ifr = namedRequest(name);
  // Every read and write carries a virtio-net header (packet/vnet_header.h).
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
  if (ioctl(fd.get(), TUNSETIFF, &ifr) != 0)
    return fail("TUNSETIFF " + name + ": " + std::strerror(errno));
  int header = 10;  // struct virtio_net_hdr, no mergeable-buffer count
  if (ioctl(fd.get(), TUNSETVNETHDRSZ, &header) != 0)
    return fail(std::string("TUNSETVNETHDRSZ: ") + std::strerror(errno));
  // The kernel may hand the worker TCP super-packets of up to 64 KiB and
  // leave checksums to it: one read and one pass through the stack per
  // 64 KiB instead of per MSS. Without the offload, packets come one by one.
  (void)ioctl(fd.get(), TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4);
  return TunDevice{std::move(fd), std::string(ifr.ifr_name)};
}

std::string poolName(std::uint64_t n) { return std::string(kPoolPrefix) + std::to_string(n); }

Result<void> disableIpv6(const std::string& name) {
  std::string path = "/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT && ::access("/proc/sys/net/ipv6", F_OK) != 0) return {};  // no IPv6
    return errnoFail("open " + path);
  }
  if (::write(fd.get(), "1", 1) != 1) return errnoFail("write " + path);
  return {};
}

Result<void> setPersistent(int tun_fd, bool persistent) {
  if (ioctl(tun_fd, TUNSETPERSIST, persistent ? 1UL : 0UL) != 0) return errnoFail("TUNSETPERSIST");
  return {};
}

Result<void> setLinkDown(const std::string& name) {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return errnoFail("socket");
  ifreq ifr = namedRequest(name);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0) return errnoFail("get flags on " + name);
  ifr.ifr_flags &= ~(IFF_UP | IFF_RUNNING);
  if (ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0) return errnoFail("link down on " + name);
  return {};
}

bool isPoolName(std::string_view name) {
  if (name.size() <= kPoolPrefix.size() || name.size() >= IFNAMSIZ ||
      !name.starts_with(kPoolPrefix))
    return false;
  for (char c : name.substr(kPoolPrefix.size()))
    if (c < '0' || c > '9') return false;
  return true;
}

Result<void> configureTun(const std::string& name, std::uint32_t local, std::uint32_t peer,
                          unsigned mtu) {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return errnoFail("socket");
  if (auto r = setAddress(sock.get(), name, SIOCSIFADDR, local, "set address"); !r) return r;
  if (auto r = setAddress(sock.get(), name, SIOCSIFDSTADDR, peer, "set peer"); !r) return r;
  if (auto r = setAddress(sock.get(), name, SIOCSIFNETMASK, 0xffffffffu, "set netmask"); !r)
    return r;
  ifreq ifr = namedRequest(name);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (ioctl(sock.get(), SIOCSIFMTU, &ifr) != 0) return errnoFail("set mtu on " + name);
  ifr = namedRequest(name);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0) return errnoFail("get flags on " + name);
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0) return errnoFail("link up on " + name);
  return {};
}

}  // namespace bulwark::tun
