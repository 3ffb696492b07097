// Error and Result: the result type every fallible function returns.
//
// Untrusted input never throws or asserts; it yields an Error that names what
// was wrong. Usage:
//   Result<Request> r = parseRequest(bytes);
//   if (!r) return fail(r.error());
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <utility>

namespace bulwark {

struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error: `return fail("bad length");`.
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

// A failed system call, with errno's text: `return errnoFail("open " + path);`.
inline std::unexpected<Error> errnoFail(const std::string& what) {
  const int e = errno;  // before anything below can change it
  return fail(what + ": " + std::strerror(e));
}

}  // namespace bulwark
