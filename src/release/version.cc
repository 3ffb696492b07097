#include "release/version.h"

#include <algorithm>
#include <string>

#include "release/escape.h"

namespace bulwark::release {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

Result<std::uint32_t> parseComponent(std::string_view digits) {
  if (digits.empty()) return fail("empty version component");
  if (digits.size() > kMaxVersionComponentDigits) return fail("version component too long");
  if (digits.size() > 1 && digits[0] == '0') return fail("version component has a leading zero");
  std::uint32_t value = 0;
  for (char c : digits) {
    if (!isDigit(c)) return fail("version has a character other than digits and dots");
    value = value * 10 + static_cast<std::uint32_t>(c - '0');  // 9 digits cannot overflow
  }
  return value;
}

}  // namespace

Result<Version> parseVersion(std::string_view text) {
  if (text.empty()) return fail("empty version");
  if (text.size() > kMaxVersionBytes) return fail("version longer than 64 bytes");
  const std::string_view whole = text;
  Version v;
  for (;;) {
    std::size_t dot = text.find('.');
    auto c = parseComponent(text.substr(0, dot));
    if (!c) return fail("version '" + escapeForDisplay(whole) + "': " + c.error().message);
    if (v.components.size() == kMaxVersionComponents) {
      return fail("version '" + escapeForDisplay(whole) + "' has too many components");
    }
    v.components.push_back(*c);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return v;
}

int compareVersions(const Version& a, const Version& b) {
  std::size_t n = std::max(a.components.size(), b.components.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t x = i < a.components.size() ? a.components[i] : 0;
    std::uint32_t y = i < b.components.size() ? b.components[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace bulwark::release
