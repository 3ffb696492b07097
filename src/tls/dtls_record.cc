#include "tls/dtls_record.h"

namespace bulwark::tls {
namespace {

std::uint64_t loadBig(std::span<const std::byte> b) {
  std::uint64_t v = 0;
  for (std::byte x : b) v = (v << 8) | std::to_integer<std::uint64_t>(x);
  return v;
}

void storeBig(std::span<std::byte> b, std::uint64_t v) {
  for (std::size_t i = b.size(); i-- > 0; v >>= 8) b[i] = static_cast<std::byte>(v & 0xff);
}

}  // namespace

std::optional<DtlsRecordHeader> parseDtlsRecordHeader(std::span<const std::byte> bytes) {
  if (bytes.size() < kDtlsHeaderSize) return std::nullopt;
  DtlsRecordHeader h;
  h.type = std::to_integer<std::uint8_t>(bytes[0]);
  h.version = static_cast<std::uint16_t>(loadBig(bytes.subspan(1, 2)));
  h.epoch = static_cast<std::uint16_t>(loadBig(bytes.subspan(3, 2)));
  h.sequence = loadBig(bytes.subspan(5, 6));
  h.length = static_cast<std::uint16_t>(loadBig(bytes.subspan(11, 2)));
  return h;
}

void writeDtlsRecordHeader(std::span<std::byte, kDtlsHeaderSize> out, const DtlsRecordHeader& h) {
  out[0] = std::byte{h.type};
  storeBig(std::span(out).subspan(1, 2), h.version);
  storeBig(std::span(out).subspan(3, 2), h.epoch);
  storeBig(std::span(out).subspan(5, 6), h.sequence & kDtlsMaxSequence);
  storeBig(std::span(out).subspan(11, 2), h.length);
}

}  // namespace bulwark::tls
