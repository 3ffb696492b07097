#include "packet/tcp_coalescer.h"

#include <cstring>
#include <optional>

#include "packet/ack_thinning.h"
#include "packet/checksum.h"
#include "packet/ipv4_tcp.h"
#include "packet/vnet_header.h"

namespace bulwark::packet {
namespace {

constexpr std::size_t kMaxIpPacket = 0xffff;

}  // namespace

struct TcpCoalescer::Segment {
  TcpView view;
  std::size_t payload = 0;
  std::uint32_t seq = 0;
  std::uint16_t id = 0;
  std::uint8_t flags = 0;
};

// A TCP segment that may be part of a run: plain data with ACK (PSH allowed),
// not fragmented, DF set, lengths consistent, checksums valid.
std::optional<TcpCoalescer::Segment> TcpCoalescer::runnable(std::span<const std::byte> p) {
  auto view = viewTcp(p);
  if (!view || load16(&p[ip::kTotalLength]) != p.size()) return std::nullopt;
  std::uint16_t frag = load16(&p[ip::kFragment]);
  if ((frag & ip::kDontFragment) == 0 || (frag & (ip::kMoreFragments | ip::kOffsetMask)) != 0)
    return std::nullopt;
  Segment s{*view, p.size() - view->headers(), load32(&p[view->ip_header + tcp::kSeq]),
            load16(&p[ip::kId]), std::to_integer<std::uint8_t>(p[view->ip_header + tcp::kFlags])};
  if (s.payload == 0 || (s.flags & ~tcp::kPsh) != tcp::kAck) return std::nullopt;
  if (!checksumsValid(p, *view)) return std::nullopt;
  // 0xffff is a valid form of a checksum of 0, but segmentation writes 0.
  if (load16(&p[ip::kChecksum]) == 0xffff || load16(&p[view->ip_header + tcp::kChecksum]) == 0xffff)
    return std::nullopt;
  return s;
}

namespace {

// Equal except for the fields that differ between segments of one run.
bool sameFlow(const std::byte* run, std::span<const std::byte> p, const TcpView& v) {
  auto same = [&](std::size_t from, std::size_t to) {
    return std::memcmp(run + from, p.data() + from, to - from) == 0;
  };
  const std::size_t t = v.ip_header;
  return same(0, ip::kTotalLength) && same(ip::kFragment, ip::kChecksum) && same(ip::kSource, t) &&
         same(t, t + tcp::kSeq) && same(t + tcp::kSeq + 4, t + tcp::kFlags) &&
         same(t + tcp::kFlags + 1, t + tcp::kChecksum) && same(t + tcp::kChecksum + 2, v.headers());
}

}  // namespace

TcpCoalescer::TcpCoalescer() : arena_(kArenaBytes) { slots_.reserve(kMaxSegments); }

bool TcpCoalescer::tryAppend(std::span<const std::byte> p, const Segment& seg) {
  if (slots_.empty() || !slots_.back().open) return false;
  Slot& s = slots_.back();
  if (seg.view.ip_header != s.ip_header || seg.view.headers() != s.headers) return false;
  const std::byte* run = arena_.data() + s.offset + kVnetHeaderSize;
  if (!sameFlow(run, p, seg.view) || seg.seq != s.next_seq || seg.id != s.next_id ||
      seg.payload > s.segment || s.count >= kMaxSegments ||
      s.length - kVnetHeaderSize + seg.payload > kMaxIpPacket ||
      used_ + seg.payload > arena_.size())
    return false;
  std::memcpy(arena_.data() + used_, p.data() + s.headers, seg.payload);
  used_ += seg.payload;
  s.length += seg.payload;
  ++s.count;
  s.next_seq += static_cast<std::uint32_t>(seg.payload);
  ++s.next_id;
  if ((seg.flags & tcp::kPsh) != 0) {
    arena_.data()[s.offset + kVnetHeaderSize + s.ip_header + tcp::kFlags] |= std::byte{tcp::kPsh};
    s.open = false;
  }
  if (seg.payload < s.segment) s.open = false;
  return true;
}

// The last packet queued is a pure ACK that p makes redundant: p takes its
// place (ack_thinning.h).
bool TcpCoalescer::replaceSupersededAck(std::span<const std::byte> p) {
  if (slots_.empty()) return false;
  Slot& s = slots_.back();
  if (s.count != 1 || s.length != kVnetHeaderSize + p.size()) return false;
  std::byte* last = arena_.data() + s.offset + kVnetHeaderSize;
  if (!supersedesAck(std::span<const std::byte>(last, p.size()), p)) return false;
  std::memcpy(last, p.data(), p.size());
  ++acks_thinned_;
  return true;
}

bool TcpCoalescer::add(std::span<const std::byte> p) {
  if (!place(p)) return false;
  ++packets_;
  return true;
}

bool TcpCoalescer::place(std::span<const std::byte> p) {
  // Checked once per packet: the checksums are the costly part.
  const auto seg = runnable(p);
  if (seg && tryAppend(p, *seg)) return true;
  if (!seg && thin_acks_ && replaceSupersededAck(p)) return true;
  if (p.size() > kMaxIpPacket || used_ + kVnetHeaderSize + p.size() > arena_.size()) return false;
  Slot s;
  s.offset = used_;
  s.length = kVnetHeaderSize + p.size();
  writeVnetHeader(VnetHeader{},
                  std::span<std::byte, kVnetHeaderSize>(arena_.data() + used_, kVnetHeaderSize));
  if (!p.empty())  // an empty span may have no data pointer
    std::memcpy(arena_.data() + used_ + kVnetHeaderSize, p.data(), p.size());
  used_ += s.length;
  if (seg && (seg->flags & tcp::kPsh) == 0) {
    s.headers = seg->view.headers();
    s.ip_header = seg->view.ip_header;
    s.segment = seg->payload;
    s.next_seq = seg->seq + static_cast<std::uint32_t>(seg->payload);
    s.next_id = static_cast<std::uint16_t>(seg->id + 1);
    s.open = true;
  }
  s.count = 1;
  slots_.push_back(s);
  return true;
}

// A run of two or more segments becomes one GSO packet: IP length and
// checksum for the whole, the TCP checksum field holding the pseudo-header
// sum for the kernel to complete (CHECKSUM_PARTIAL), as a NIC's GRO leaves it.
void TcpCoalescer::finish(Slot& s) {
  if (s.count < 2) return;
  ++runs_;
  run_segments_ += s.count;
  std::span<std::byte> pkt(arena_.data() + s.offset + kVnetHeaderSize, s.length - kVnetHeaderSize);
  store16(&pkt[ip::kTotalLength], static_cast<std::uint16_t>(pkt.size()));
  fillIpChecksum(pkt, s.ip_header);
  std::uint32_t pseudo =
      pseudoHeaderSum(pkt.subspan<ip::kSource, 4>(), pkt.subspan<ip::kDestination, 4>(), ip::kTcp,
                      static_cast<std::uint16_t>(pkt.size() - s.ip_header));
  store16(&pkt[s.ip_header + tcp::kChecksum], foldSum(pseudo));
  VnetHeader h;
  h.flags = kVnetNeedsCsum;
  h.gso_type = kGsoTcpV4;
  h.hdr_len = static_cast<std::uint16_t>(s.headers);
  h.gso_size = static_cast<std::uint16_t>(s.segment);
  h.csum_start = static_cast<std::uint16_t>(s.ip_header);
  h.csum_offset = tcp::kChecksum;
  writeVnetHeader(h,
                  std::span<std::byte, kVnetHeaderSize>(arena_.data() + s.offset, kVnetHeaderSize));
}

void TcpCoalescer::flush(const Emit& emit) {
  for (Slot& s : slots_) {
    finish(s);
    emit(std::span<const std::byte>(arena_.data() + s.offset, s.length));
  }
  slots_.clear();
  used_ = 0;
}

}  // namespace bulwark::packet
