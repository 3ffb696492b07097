#include "packet/ack_thinning.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include "packet/checksum.h"
#include "packet/ipv4_tcp.h"

namespace bulwark::packet {
namespace {

constexpr std::uint8_t kOptEnd = 0, kOptNop = 1, kOptTimestamp = 8;
constexpr std::uint8_t kTimestampLength = 10;

// Options made only of NOPs, timestamps and end-of-list padding.
bool onlyTimestampOptions(std::span<const std::byte> options) {
  std::size_t i = 0;
  while (i < options.size()) {
    auto kind = std::to_integer<std::uint8_t>(options[i]);
    if (kind == kOptEnd) return true;
    if (kind == kOptNop) {
      ++i;
      continue;
    }
    if (kind != kOptTimestamp || i + 1 >= options.size() ||
        std::to_integer<std::uint8_t>(options[i + 1]) != kTimestampLength ||
        i + kTimestampLength > options.size())
      return false;
    i += kTimestampLength;
  }
  return true;
}

// The headers of a pure ACK: IPv4/TCP, unfragmented, length exact, no
// payload, flags exactly ACK, urgent pointer 0, timestamp options only.
std::optional<TcpView> pureAck(std::span<const std::byte> p) {
  auto v = viewTcp(p);
  if (!v || p.size() != v->headers() || load16(&p[ip::kTotalLength]) != p.size()) return {};
  if ((load16(&p[ip::kFragment]) & (ip::kMoreFragments | ip::kOffsetMask)) != 0) return {};
  const std::byte* th = &p[v->ip_header];
  if (std::to_integer<std::uint8_t>(th[tcp::kFlags]) != tcp::kAck) return {};
  if (load16(th + tcp::kUrgentPointer) != 0) return {};
  if (!onlyTimestampOptions(p.subspan(v->ip_header + 20, v->tcp_header - 20))) return {};
  return v;
}

}  // namespace

bool supersedesAck(std::span<const std::byte> earlier, std::span<const std::byte> later) {
  if (earlier.size() != later.size()) return false;
  auto a = pureAck(earlier);
  auto b = pureAck(later);
  if (!a || !b || a->ip_header != b->ip_header || a->tcp_header != b->tcp_header) return false;
  auto same = [&](std::size_t from, std::size_t to) {
    return std::memcmp(earlier.data() + from, later.data() + from, to - from) == 0;
  };
  const std::size_t t = a->ip_header;
  // Version to protocol except the IP id; addresses and IP options; ports,
  // sequence number; data offset and flags. Window, checksums and option
  // values (timestamps) may differ.
  if (!same(0, ip::kId) || !same(ip::kFragment, ip::kChecksum) || !same(ip::kSource, t) ||
      !same(t, t + tcp::kAckNumber) || !same(t + tcp::kDataOffset, t + tcp::kFlags + 1))
    return false;
  auto forward = static_cast<std::int32_t>(load32(&later[t + tcp::kAckNumber]) -
                                           load32(&earlier[t + tcp::kAckNumber]));
  return forward > 0 && checksumsValid(later, *b);
}

}  // namespace bulwark::packet
