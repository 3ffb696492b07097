// Fuzzes CSTP stream decoding the way the tunnel loop uses it: decode frames
// from a buffer until it needs more bytes or fails; every decoded frame must
// re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "proto/anyconnect/cstp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace cstp = bulwark::anyconnect;
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  std::size_t max_payload = size > 0 ? 576 + data[0] * 16 : 1400;
  std::size_t off = 0;
  while (off < in.size()) {
    auto f = cstp::decodeFrame(in.subspan(off), max_payload);
    if (!f || !*f) break;
    const cstp::Frame& fr = **f;
    if (fr.consumed != cstp::kHeaderSize + fr.payload.size() || fr.payload.size() > max_payload)
      std::abort();
    auto again = cstp::encodeFrame(fr.type, fr.payload);
    if (again.size() != fr.consumed || std::memcmp(again.data(), in.data() + off, fr.consumed) != 0)
      std::abort();
    off += fr.consumed;
  }
  return 0;
}
