// Fuzzes the TUN offload both ways. The first byte picks the half:
//   even: the rest is one TUN read (virtio-net header + packet). Every packet
//         GsoSplitter makes of it fits in 64 KiB; the segments of a GSO read
//         are TCP with valid checksums, consecutive sequence numbers and IP
//         ids, and carry exactly the super-packet's payload; a filled-in
//         checksum verifies.
//   odd:  the rest is packets, each behind a 2-byte big-endian length, added
//         to TcpCoalescer. Its writes, fed to GsoSplitter the way the kernel
//         segments them, must give back the packets that went in, in order.
//         Bits of the first byte make merges reachable: 0x02 fixes each
//         packet's IP and TCP checksums, 0x04 its IP total length, 0x08 makes
//         each TCP packet continue the previous one (sequence number, IP id);
//         0x10 turns ACK thinning on: then a packet may be missing from what
//         comes back only if the packet after it supersedes it
//         (supersedesAck), and exactly as many go missing as it counts.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "packet/ack_thinning.h"
#include "packet/checksum.h"
#include "packet/gso_splitter.h"
#include "packet/ipv4_tcp.h"
#include "packet/tcp_coalescer.h"
#include "packet/vnet_header.h"

namespace {

namespace pk = bulwark::packet;
using Bytes = std::vector<std::byte>;

std::span<std::byte> outBuffer() {
  static Bytes out(65535);
  return out;
}

void splitRead(std::span<const std::uint8_t> in) {
  Bytes read(in.size());
  if (!in.empty()) std::memcpy(read.data(), in.data(), in.size());
  auto h = pk::parseVnetHeader(read);
  // The field a checksum request completes, as it was before (load changes it).
  std::optional<std::uint16_t> partial;
  if (h && (h->flags & pk::kVnetNeedsCsum) != 0 &&
      pk::kVnetHeaderSize + h->csum_start + h->csum_offset + 2 <= read.size())
    partial = pk::load16(&read[pk::kVnetHeaderSize + h->csum_start + h->csum_offset]);
  const Bytes original = read;

  pk::GsoSplitter s;
  if (!s.load(read)) return;
  std::span<const std::byte> packet =
      std::span<const std::byte>(original).subspan(pk::kVnetHeaderSize);
  const bool gso = (h->gso_type & ~pk::kGsoEcn) != pk::kGsoNone;
  std::optional<pk::TcpView> super;
  if (gso) {
    super = pk::viewTcp(packet);
    if (!super || h->gso_size == 0) std::abort();
  }

  auto out = outBuffer();
  std::size_t count = 0, payload = 0;
  while (std::size_t n = s.next(out)) {
    if (n > 65535 || n > out.size()) std::abort();
    auto seg = out.first(n);
    if (gso) {
      auto v = pk::viewTcp(seg);
      if (!v || v->headers() != super->headers() || n - v->headers() > h->gso_size ||
          n - v->headers() == 0 || pk::load16(&seg[pk::ip::kTotalLength]) != n ||
          !pk::checksumsValid(seg, *v))
        std::abort();
      const std::byte* th = &seg[v->ip_header];
      const std::byte* super_th = &packet[super->ip_header];
      if (pk::load32(th + pk::tcp::kSeq) !=
              static_cast<std::uint32_t>(pk::load32(super_th + pk::tcp::kSeq) + payload) ||
          pk::load16(&seg[pk::ip::kId]) !=
              static_cast<std::uint16_t>(pk::load16(&packet[pk::ip::kId]) + count) ||
          std::memcmp(seg.data() + v->headers(), packet.data() + super->headers() + payload,
                      n - v->headers()) != 0)
        std::abort();
      payload += n - v->headers();
    } else {
      if (n != packet.size()) std::abort();
      if ((h->flags & pk::kVnetNeedsCsum) != 0) {
        if (!partial) std::abort();
        // Valid, never 0 (to UDP that means no checksum), nothing else changed.
        const std::size_t field = std::size_t{h->csum_start} + h->csum_offset;
        if (pk::foldSum(pk::sumBytes(seg.subspan(h->csum_start), *partial)) != 0xffff ||
            pk::load16(&seg[field]) == 0 || std::memcmp(seg.data(), packet.data(), field) != 0 ||
            std::memcmp(seg.data() + field + 2, packet.data() + field + 2, n - field - 2) != 0)
          std::abort();
      } else if (std::memcmp(seg.data(), packet.data(), n) != 0) {
        std::abort();
      }
    }
    ++count;
  }
  if (!s.done()) std::abort();
  if (gso && (count != s.segments() || payload != packet.size() - super->headers())) std::abort();
  if (!gso && count != (packet.size() <= out.size() ? 1u : 0u)) std::abort();
}

// Makes a packet more likely to be mergeable, as the first byte asks.
void fixUp(Bytes& p, std::uint8_t mode, std::uint32_t& next_seq, std::uint16_t& next_id) {
  if (p.size() < 20 || (std::to_integer<unsigned>(p[0]) >> 4) != 4) return;
  std::size_t ihl = (std::to_integer<unsigned>(p[0]) & 0x0f) * 4u;
  if (ihl < 20 || ihl > p.size()) return;
  if ((mode & 0x04) != 0)
    pk::store16(&p[pk::ip::kTotalLength], static_cast<std::uint16_t>(p.size()));
  auto v = pk::viewTcp(p);
  if (v && (mode & 0x08) != 0) {
    pk::store32(&p[v->ip_header + pk::tcp::kSeq], next_seq);
    pk::store16(&p[pk::ip::kId], next_id);
    next_seq += static_cast<std::uint32_t>(p.size() - v->headers());
    ++next_id;
  }
  if ((mode & 0x02) != 0) {
    pk::fillIpChecksum(p, ihl);
    if (v) {
      pk::store16(&p[v->ip_header + pk::tcp::kChecksum], 0);
      pk::store16(&p[v->ip_header + pk::tcp::kChecksum],
                  pk::finishChecksum(pk::tcpSum(p, v->ip_header)));
    }
  }
}

void checkWrite(std::span<const std::byte> w) {
  auto h = pk::parseVnetHeader(w);
  if (!h) std::abort();
  auto p = w.subspan(pk::kVnetHeaderSize);
  if (p.size() > 65535) std::abort();
  if (h->gso_type == pk::kGsoNone) {
    if (h->flags != 0 || h->hdr_len != 0 || h->gso_size != 0 || h->csum_start != 0 ||
        h->csum_offset != 0)
      std::abort();
    return;
  }
  auto v = pk::viewTcp(p);
  if (!v || h->gso_type != pk::kGsoTcpV4 || h->flags != pk::kVnetNeedsCsum ||
      h->hdr_len != v->headers() || h->csum_start != v->ip_header ||
      h->csum_offset != pk::tcp::kChecksum || h->gso_size == 0)
    std::abort();
  std::size_t segments = (p.size() - v->headers() + h->gso_size - 1) / h->gso_size;
  if (segments < 2 || segments > pk::TcpCoalescer::kMaxSegments ||
      pk::load16(&p[pk::ip::kTotalLength]) != p.size() ||
      pk::foldSum(pk::sumBytes(p.first(v->ip_header))) != 0xffff)
    std::abort();
  // The kernel completes the checksum from csum_start over the field as it
  // is; the result must be the valid checksum of the whole super-packet.
  Bytes done(p.begin(), p.end());
  std::uint16_t sum = pk::finishChecksum(pk::sumBytes(p.subspan(h->csum_start)));
  pk::store16(&done[h->csum_start + h->csum_offset], sum);
  if (pk::foldSum(pk::tcpSum(done, v->ip_header)) != 0xffff) std::abort();
}

void coalesceAndSplit(std::span<const std::uint8_t> in, std::uint8_t mode) {
  std::vector<Bytes> packets;
  std::uint32_t next_seq = 0x7ffffff0;
  std::uint16_t next_id = 0xfff0;
  std::size_t off = 0;
  while (off + 2 <= in.size()) {
    std::size_t len = static_cast<std::size_t>(in[off]) << 8 | in[off + 1];
    off += 2;
    len = std::min(len, in.size() - off);
    Bytes p(len);
    if (len != 0) std::memcpy(p.data(), in.data() + off, len);
    off += len;
    fixUp(p, mode, next_seq, next_id);
    packets.push_back(std::move(p));
  }

  static pk::TcpCoalescer c;
  const bool thin = (mode & 0x10) != 0;
  c.thinAcks(thin);
  const std::uint64_t thinned_before = c.acksThinned();
  std::uint64_t skipped = 0;
  pk::GsoSplitter split;
  auto out = outBuffer();
  std::size_t back = 0;  // the next input packet the writes must give back
  auto matches = [&](std::span<const std::byte> got) {
    return back < packets.size() && packets[back].size() == got.size() &&
           (got.empty() || std::memcmp(packets[back].data(), got.data(), got.size()) == 0);
  };
  // Passes over input packets that thinning may have dropped.
  auto expect = [&](std::span<const std::byte> got) {
    while (thin && !matches(got) && back + 1 < packets.size() &&
           pk::supersedesAck(packets[back], packets[back + 1])) {
      ++back;
      ++skipped;
    }
    if (!matches(got)) std::abort();
    ++back;
  };
  auto emit = [&](std::span<const std::byte> w) {
    checkWrite(w);
    if (w.size() == pk::kVnetHeaderSize) {  // an empty packet went in
      expect(w.subspan(w.size()));
      return;
    }
    Bytes copy(w.begin(), w.end());
    if (!split.load(copy)) std::abort();
    while (std::size_t n = split.next(out)) expect(out.first(n));
    if (!split.done()) std::abort();
  };
  for (const auto& p : packets) {
    if (c.add(p)) continue;
    c.flush(emit);
    if (!c.add(p)) std::abort();  // an empty coalescer takes any packet up to 64 KiB
  }
  c.flush(emit);
  if (back != packets.size() || !c.empty() || c.acksThinned() - thinned_before != skipped)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::span<const std::uint8_t> rest(data + 1, size - 1);
  if ((data[0] & 1) == 0)
    splitRead(rest);
  else
    coalesceAndSplit(rest, data[0]);
  return 0;
}
