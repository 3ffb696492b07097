#include "packet/ipv4_tcp.h"

#include "packet/checksum.h"

namespace bulwark::packet {

std::optional<TcpView> viewTcp(std::span<const std::byte> packet) {
  if (packet.size() < 20) return std::nullopt;
  auto b0 = std::to_integer<unsigned>(packet[0]);
  if ((b0 >> 4) != 4) return std::nullopt;
  TcpView v;
  v.ip_header = (b0 & 0x0f) * 4u;
  if (v.ip_header < 20 || std::to_integer<std::uint8_t>(packet[ip::kProtocol]) != ip::kTcp)
    return std::nullopt;
  if (packet.size() < v.ip_header + 20) return std::nullopt;
  v.tcp_header = (std::to_integer<unsigned>(packet[v.ip_header + tcp::kDataOffset]) >> 4) * 4u;
  if (v.tcp_header < 20 || packet.size() < v.headers()) return std::nullopt;
  return v;
}

void fillIpChecksum(std::span<std::byte> packet, std::size_t ip_header) {
  store16(&packet[ip::kChecksum], 0);
  store16(&packet[ip::kChecksum], finishChecksum(sumBytes(packet.first(ip_header))));
}

std::uint32_t tcpSum(std::span<const std::byte> packet, std::size_t ip_header) {
  auto segment = packet.subspan(ip_header);
  std::uint32_t sum =
      pseudoHeaderSum(packet.subspan<ip::kSource, 4>(), packet.subspan<ip::kDestination, 4>(),
                      ip::kTcp, static_cast<std::uint16_t>(segment.size()));
  return sumBytes(segment, sum);
}

bool checksumsValid(std::span<const std::byte> packet, const TcpView& view) {
  return foldSum(sumBytes(packet.first(view.ip_header))) == 0xffff &&
         foldSum(tcpSum(packet, view.ip_header)) == 0xffff;
}

}  // namespace bulwark::packet
