// A strict, bounded HTTP/1.1 request parser for the worker's pre-auth surface.
//
// It accepts only what AnyConnect clients send: origin-form targets, GET /
// POST / CONNECT, Content-Length bodies. Everything else is refused with the
// status the caller should answer. The path is checked once, here, for every
// trick in threat-model.md (.., %, backslash, ;, //, controls, non-ASCII), and
// routing later is an exact string match on it. A '?' query is split off and
// never used for routing.
//
// Incremental use: feed the whole buffered input; the result says how many
// bytes one complete request used (pipelined bytes stay for the next call),
// or that more bytes are needed.
//
//   auto r = parseRequest(buffer);
//   if (!r) answer(r.error().status);
//   else if (r->request) { route(*r->request); buffer.erase(0, r->consumed); }
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulwark::http {

inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;  // request line + headers
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxHeaders = 100;

enum class Method { kGet, kPost, kConnect };

struct Request {
  Method method = Method::kGet;
  std::string path;   // canonical, validated
  std::string query;  // after '?', never used for routing
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  // Case-insensitive lookup of the first header with this name.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpError {
  int status;          // what to answer: 400, 405, 411, 413, 431, 501, 505
  std::string detail;  // for the log line
  [[nodiscard]] std::string reasonPhrase() const;
};

struct ParseResult {
  std::optional<Request> request;  // nullopt: need more bytes
  std::size_t consumed = 0;
};

std::expected<ParseResult, HttpError> parseRequest(std::string_view buffered);

// The value of cookie `name` (case-sensitive) from the Cookie header(s).
std::optional<std::string_view> cookieValue(const Request& req, std::string_view name);

}  // namespace bulwark::http
