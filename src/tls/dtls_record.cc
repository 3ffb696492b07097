#include "tls/dtls_record.h"

namespace bulwark::tls {

std::uint64_t loadBigEndian(std::span<const std::byte> bytes) {
  std::uint64_t v = 0;
  for (std::byte x : bytes) v = (v << 8) | std::to_integer<std::uint64_t>(x);
  return v;
}

void storeBigEndian(std::span<std::byte> bytes, std::uint64_t v) {
  for (std::size_t i = bytes.size(); i-- > 0; v >>= 8) bytes[i] = static_cast<std::byte>(v & 0xff);
}

std::optional<DtlsRecordHeader> parseDtlsRecordHeader(std::span<const std::byte> bytes) {
  if (bytes.size() < kDtlsHeaderSize) return std::nullopt;
  DtlsRecordHeader h;
  h.type = std::to_integer<std::uint8_t>(bytes[0]);
  h.version = static_cast<std::uint16_t>(loadBigEndian(bytes.subspan(1, 2)));
  h.epoch = static_cast<std::uint16_t>(loadBigEndian(bytes.subspan(3, 2)));
  h.sequence = loadBigEndian(bytes.subspan(5, 6));
  h.length = static_cast<std::uint16_t>(loadBigEndian(bytes.subspan(11, 2)));
  return h;
}

void writeDtlsRecordHeader(std::span<std::byte, kDtlsHeaderSize> out, const DtlsRecordHeader& h) {
  out[0] = std::byte{h.type};
  storeBigEndian(std::span(out).subspan(1, 2), h.version);
  storeBigEndian(std::span(out).subspan(3, 2), h.epoch);
  storeBigEndian(std::span(out).subspan(5, 6), h.sequence & kDtlsMaxSequence);
  storeBigEndian(std::span(out).subspan(11, 2), h.length);
}

}  // namespace bulwark::tls
