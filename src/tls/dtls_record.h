// DTLS 1.2 record headers (RFC 6347 4.1): type(1) version(2) epoch(2)
// sequence_number(6) length(2). A pure parser and writer for the worker's
// record fast path (tls/dtls_record_cipher.h); nothing here decrypts.
//
//   auto h = parseDtlsRecordHeader(datagram);   // nullopt unless 13+ bytes
//   if (h && h->length == datagram.size() - kDtlsHeaderSize) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace bulwark::tls {

inline constexpr std::size_t kDtlsHeaderSize = 13;
inline constexpr std::uint16_t kDtls12Version = 0xfefd;
inline constexpr std::uint8_t kDtlsApplicationData = 23;
inline constexpr std::uint64_t kDtlsMaxSequence = (std::uint64_t{1} << 48) - 1;

struct DtlsRecordHeader {
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  std::uint16_t epoch = 0;
  std::uint64_t sequence = 0;  // 48 bits
  std::uint16_t length = 0;    // bytes of the record after the header
};

// The header at the start of `bytes`; nullopt if there are fewer than 13.
std::optional<DtlsRecordHeader> parseDtlsRecordHeader(std::span<const std::byte> bytes);

void writeDtlsRecordHeader(std::span<std::byte, kDtlsHeaderSize> out, const DtlsRecordHeader& h);

// Big-endian unsigned integers of bytes.size() (at most 8) bytes.
std::uint64_t loadBigEndian(std::span<const std::byte> bytes);
void storeBigEndian(std::span<std::byte> bytes, std::uint64_t v);

}  // namespace bulwark::tls
