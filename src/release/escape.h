// escapeForDisplay: makes untrusted bytes (file names, link targets, fields
// of a rejected manifest) safe to print on a terminal, in a log line or in
// JSON. Printable ASCII except backslash is kept; every other byte becomes
// \xHH, so the result is plain ASCII and maps back to exactly one input.
//
//   std::cout << "ADDED " << escapeForDisplay(path) << '\n';
#pragma once

#include <string>
#include <string_view>

namespace bulwark::release {

[[nodiscard]] std::string escapeForDisplay(std::string_view bytes);

}  // namespace bulwark::release
