#include "main/tunnel_mtu.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>

namespace bulwark::mainproc {
namespace {

constexpr unsigned kIpv4Header = 20;
constexpr unsigned kIpv6Header = 40;
constexpr unsigned kUdpHeader = 8;
constexpr unsigned kTcpHeader = 20;
constexpr unsigned kTcpTimestamps = 12;
constexpr unsigned kDtlsOverhead = 13 + 8 + 16 + 1;

unsigned ipHeader(bool ipv6) { return ipv6 ? kIpv6Header : kIpv4Header; }

}  // namespace

unsigned linkMtu(const PathInfo& path) {
  unsigned link = path.pmtu;
  if (path.snd_mss != 0) {
    unsigned from_mss =
        path.snd_mss + ipHeader(path.ipv6) + kTcpHeader + (path.timestamps ? kTcpTimestamps : 0);
    link = link == 0 ? from_mss : std::min(link, from_mss);
  }
  if (link == 0) return 1500;
  return std::clamp(link, kMinLinkMtu, kMaxLinkMtu);
}

TunnelMtu tunnelMtu(unsigned configured_mtu, const PathInfo& path, bool dtls_offered) {
  TunnelMtu m;
  m.link = linkMtu(path);
  if (configured_mtu != 0) {
    m.tunnel = configured_mtu;
    return m;
  }
  m.tunnel = m.link - ipHeader(path.ipv6) - kUdpHeader - (dtls_offered ? kDtlsOverhead : 0);
  return m;
}

PathInfo pathInfoOf(int tcp_fd, bool ipv6) {
  PathInfo p;
  p.ipv6 = ipv6;
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (::getsockopt(tcp_fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return p;
  p.pmtu = info.tcpi_pmtu;
  p.snd_mss = info.tcpi_snd_mss;
  p.timestamps = (info.tcpi_options & TCPI_OPT_TIMESTAMPS) != 0;
  return p;
}

}  // namespace bulwark::mainproc
