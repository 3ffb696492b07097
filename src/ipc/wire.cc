#include "ipc/wire.h"

#include <cstring>

namespace bulwark::ipc {

void Writer::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v));
}
void Writer::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}
void Writer::u64(std::uint64_t v) {
  u32(static_cast<std::uint32_t>(v >> 32));
  u32(static_cast<std::uint32_t>(v));
}
void Writer::str(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  buf_.insert(buf_.end(), p, p + s.size());
}

Result<std::span<const std::byte>> Reader::take(std::size_t n) {
  if (in_.size() - pos_ < n) return fail("ipc: truncated field");
  auto out = in_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<std::uint8_t> Reader::u8() {
  auto b = take(1);
  if (!b) return fail(b.error());
  return static_cast<std::uint8_t>((*b)[0]);
}
Result<std::uint16_t> Reader::u16() {
  auto b = take(2);
  if (!b) return fail(b.error());
  return static_cast<std::uint16_t>((std::to_integer<unsigned>((*b)[0]) << 8) |
                                    std::to_integer<unsigned>((*b)[1]));
}
Result<std::uint32_t> Reader::u32() {
  auto hi = u16();
  auto lo = u16();
  if (!hi || !lo) return fail("ipc: truncated field");
  return (static_cast<std::uint32_t>(*hi) << 16) | *lo;
}
Result<std::uint64_t> Reader::u64() {
  auto hi = u32();
  auto lo = u32();
  if (!hi || !lo) return fail("ipc: truncated field");
  return (static_cast<std::uint64_t>(*hi) << 32) | *lo;
}
Result<std::string> Reader::str(std::size_t max_len) {
  auto n = u32();
  if (!n) return fail(n.error());
  if (*n > max_len) return fail("ipc: string longer than its cap");
  auto b = take(*n);
  if (!b) return fail(b.error());
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}
Result<SecretBuffer> Reader::secret(std::size_t max_len) {
  auto s = str(max_len);
  if (!s) return fail(s.error());
  return SecretBuffer::take(*s);
}
Result<bool> Reader::boolean() {
  auto v = u8();
  if (!v) return fail(v.error());
  if (*v > 1) return fail("ipc: bad boolean");
  return *v == 1;
}
Result<void> Reader::finish() const {
  if (pos_ != in_.size()) return fail("ipc: trailing bytes");
  return {};
}

}  // namespace bulwark::ipc
