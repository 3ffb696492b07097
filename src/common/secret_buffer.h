// SecretBuffer: a non-copyable byte string for passwords, cookies and keys.
//
// The bytes are wiped (OPENSSL_cleanse) on destruction and on move-from. There
// is deliberately no operator<< and no fmt formatter, so a secret cannot be
// formatted into a log line by accident; code that must hand the bytes to a
// verifier calls view() explicitly.
//
//   SecretBuffer pw = SecretBuffer::fromString(field);  // field wiped by caller
//   bool ok = verifier.check(pw.view());
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace bulwark {

void secureWipe(void* p, std::size_t n);

class SecretBuffer {
 public:
  SecretBuffer() = default;
  explicit SecretBuffer(std::string_view bytes) : data_(bytes) {}
  // Takes ownership of `s` and wipes the caller's copy.
  static SecretBuffer take(std::string& s) {
    SecretBuffer b(s);
    secureWipe(s.data(), s.size());
    s.clear();
    return b;
  }
  SecretBuffer(SecretBuffer&& o) noexcept : data_(std::move(o.data_)) { o.wipe(); }
  SecretBuffer& operator=(SecretBuffer&& o) noexcept {
    if (this != &o) {
      wipe();
      data_ = std::move(o.data_);
      o.wipe();
    }
    return *this;
  }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer() { wipe(); }

  [[nodiscard]] std::string_view view() const { return data_; }
  [[nodiscard]] std::size_t size() const { return data_.size(); }
  [[nodiscard]] bool empty() const { return data_.empty(); }
  void wipe() {
    secureWipe(data_.data(), data_.size());
    data_.clear();
  }

 private:
  std::string data_;
};

}  // namespace bulwark
