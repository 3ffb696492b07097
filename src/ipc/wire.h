// Wire encoding for IPC payloads: a Writer that appends fixed-width big-endian
// integers and length-prefixed byte strings, and a Reader that consumes them
// with bounds checks. A Reader that is not fully consumed is an error: IPC
// messages have no trailing bytes.
//
//   Writer w; w.u32(7); w.str("alice");
//   Reader r(w.bytes()); auto n = r.u32(); auto s = r.str(64);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret_buffer.h"

namespace bulwark::ipc {

class Writer {
 public:
  void u8(std::uint8_t v) { buf_.push_back(std::byte{v}); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void str(std::string_view s);  // u32 length + bytes
  void secret(const SecretBuffer& s) { str(s.view()); }
  [[nodiscard]] std::span<const std::byte> bytes() const { return buf_; }
  [[nodiscard]] std::vector<std::byte>& buffer() { return buf_; }

 private:
  std::vector<std::byte> buf_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}
  Result<std::uint8_t> u8();
  Result<std::uint16_t> u16();
  Result<std::uint32_t> u32();
  Result<std::uint64_t> u64();
  // A length-prefixed string of at most max_len bytes.
  Result<std::string> str(std::size_t max_len);
  Result<SecretBuffer> secret(std::size_t max_len);
  Result<bool> boolean();
  // Succeeds only if every byte was consumed.
  Result<void> finish() const;

 private:
  Result<std::span<const std::byte>> take(std::size_t n);
  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
};

}  // namespace bulwark::ipc
