// Release versions: dotted numeric strings such as "0.1.0" or "2.10".
//
// Only digits and single dots are accepted; each component has no leading
// zero (except "0" itself) and at most 9 digits, and there are 1 to 8
// components. Comparison is numeric per component, a missing component
// counting as 0, so "1.2" == "1.2.0" and "1.10" > "1.9".
//
//   Result<Version> v = parseVersion("0.1.0");
//   if (v && compareVersions(*v, *parseVersion("0.2")) < 0) { ... older ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace bulwark::release {

inline constexpr std::size_t kMaxVersionBytes = 64;
inline constexpr std::size_t kMaxVersionComponents = 8;
inline constexpr std::size_t kMaxVersionComponentDigits = 9;

struct Version {
  std::vector<std::uint32_t> components;
};

[[nodiscard]] Result<Version> parseVersion(std::string_view text);

// <0 if a is older than b, 0 if equal, >0 if a is newer.
[[nodiscard]] int compareVersions(const Version& a, const Version& b);

}  // namespace bulwark::release
