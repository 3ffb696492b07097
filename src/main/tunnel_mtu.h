// The tunnel MTU each session gets (anyconnect.md 3.4), from the path to the
// client as its TCP connection sees it.
#pragma once

namespace bulwark::mainproc {

// What the kernel knows of the path to one client (the accepted TCP socket's
// TCP_INFO): its path MTU and the segment size the client can receive.
struct PathInfo {
  unsigned pmtu = 0;     // 0: unknown
  unsigned snd_mss = 0;  // payload bytes per segment to the client; 0: unknown
  bool timestamps = false;
  bool ipv6 = false;
};

struct TunnelMtu {
  unsigned link = 1500;    // sent as X-CSTP-Base-MTU: the client sizes DTLS from it
  unsigned tunnel = 1434;  // X-CSTP-MTU and the server's TUN device
};

inline constexpr unsigned kMinLinkMtu = 1280;  // what openconnect assumes at least
inline constexpr unsigned kMaxLinkMtu = 9000;

// The link MTU towards the client: the smaller of the path MTU and the
// client's segment size plus headers (a client behind PPPoE announces a
// smaller MSS), within kMinLinkMtu..kMaxLinkMtu; 1500 when nothing is known.
unsigned linkMtu(const PathInfo& path);

// configured_mtu 0 ("auto"): the largest inner packet that fits the link in
// one datagram: with DTLS offered, link - IP - UDP - 38 (DTLS 1.2 header 13,
// AES-GCM nonce 8 and tag 16, the payload type byte), 1434 for 1500 over
// IPv4; TLS only, link - IP - UDP as ocserv does (1472). Otherwise the
// configured value as is.
TunnelMtu tunnelMtu(unsigned configured_mtu, const PathInfo& path, bool dtls_offered);

// TCP_INFO of a connected TCP socket; an empty PathInfo (but for the family)
// if the kernel does not say.
PathInfo pathInfoOf(int tcp_fd, bool ipv6);

}  // namespace bulwark::mainproc
