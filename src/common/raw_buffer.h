// RawBuffer: a fixed-size byte buffer that is not zero-filled. Pages the
// program never writes are never made resident, so a 64 KiB frame buffer of
// an idle tunnel costs the one page its keepalives touch, not 64 KiB.
//
//   RawBuffer rx(64 * 1024);
//   ssize_t n = ::read(fd, rx.data(), rx.size());
#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace bulwark {

class RawBuffer {
 public:
  explicit RawBuffer(std::size_t size)
      : data_(std::make_unique_for_overwrite<std::byte[]>(size)), size_(size) {}
  [[nodiscard]] std::byte* data() { return data_.get(); }
  [[nodiscard]] const std::byte* data() const { return data_.get(); }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::span<std::byte> span() { return {data_.get(), size_}; }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t size_;
};

}  // namespace bulwark
