#include "packet/gso_splitter.h"

#include <cstring>

#include "packet/checksum.h"
#include "packet/vnet_header.h"

namespace bulwark::packet {
namespace {

// VIRTIO_NET_HDR_F_NEEDS_CSUM: the field at csum_start + csum_offset holds
// the pseudo-header sum; the checksum covers everything from csum_start.
bool completeChecksum(std::span<std::byte> packet, const VnetHeader& h) {
  std::size_t start = h.csum_start, field = std::size_t{h.csum_start} + h.csum_offset;
  if (start >= packet.size() || field + 2 > packet.size() || (h.csum_offset & 1) != 0) return false;
  std::uint16_t sum = finishChecksum(sumBytes(packet.subspan(start)));
  // A computed 0 goes out as 0xffff, as the kernel does: to UDP, 0 means none.
  store16(&packet[field], sum == 0 ? 0xffff : sum);
  return true;
}

}  // namespace

bool GsoSplitter::load(std::span<std::byte> bytes) {
  packet_ = {};
  count_ = emitted_ = 0;
  gso_size_ = 0;
  auto h = parseVnetHeader(bytes);
  if (!h) return false;
  std::span<std::byte> packet = bytes.subspan(kVnetHeaderSize);
  if (packet.empty()) return false;
  auto type = static_cast<std::uint8_t>(h->gso_type & ~kGsoEcn);
  if (type == kGsoNone) {
    if ((h->flags & kVnetNeedsCsum) != 0 && !completeChecksum(packet, *h)) return false;
    packet_ = packet;
    count_ = 1;
    return true;
  }
  if (type != kGsoTcpV4 || h->gso_size == 0) return false;
  auto view = viewTcp(packet);
  if (!view) return false;
  std::size_t payload = packet.size() - view->headers();
  if (payload == 0 || view->headers() + h->gso_size > 0xffff) return false;
  packet_ = packet;
  view_ = *view;
  gso_size_ = h->gso_size;
  count_ = (payload + gso_size_ - 1) / gso_size_;
  return true;
}

std::size_t GsoSplitter::drop() {
  emitted_ = count_;
  return 0;
}

std::size_t GsoSplitter::next(std::span<std::byte> out) {
  if (done()) return 0;
  if (gso_size_ == 0) {
    if (out.size() < packet_.size()) return drop();
    std::memcpy(out.data(), packet_.data(), packet_.size());
    ++emitted_;
    return packet_.size();
  }
  return nextSegment(out);
}

std::size_t GsoSplitter::nextSegment(std::span<std::byte> out) {
  const std::size_t hdrs = view_.headers(), i = emitted_;
  const std::size_t offset = hdrs + i * gso_size_;
  const std::size_t chunk = std::min(gso_size_, packet_.size() - offset);
  const std::size_t len = hdrs + chunk;
  if (out.size() < len) return drop();
  std::memcpy(out.data(), packet_.data(), hdrs);
  std::memcpy(out.data() + hdrs, packet_.data() + offset, chunk);
  auto seg = out.first(len);
  const bool first = i == 0, last = i + 1 == count_;

  store16(&seg[ip::kTotalLength], static_cast<std::uint16_t>(len));
  store16(&seg[ip::kId], static_cast<std::uint16_t>(load16(&packet_[ip::kId]) + i));
  fillIpChecksum(seg, view_.ip_header);

  std::byte* th = seg.data() + view_.ip_header;
  store32(th + tcp::kSeq, static_cast<std::uint32_t>(load32(th + tcp::kSeq) + i * gso_size_));
  auto flags = std::to_integer<std::uint8_t>(th[tcp::kFlags]);
  if (!last) flags &= static_cast<std::uint8_t>(~(tcp::kFin | tcp::kPsh));
  if (!first) flags &= static_cast<std::uint8_t>(~tcp::kCwr);
  th[tcp::kFlags] = std::byte{flags};
  store16(th + tcp::kChecksum, 0);
  store16(th + tcp::kChecksum, finishChecksum(tcpSum(seg, view_.ip_header)));
  ++emitted_;
  return len;
}

}  // namespace bulwark::packet
