#include "proto/http/request.h"

#include <algorithm>
#include <cctype>

namespace bulwark::http {
namespace {

using Parsed = std::expected<ParseResult, HttpError>;

std::unexpected<HttpError> refuse(int status, std::string detail) {
  return std::unexpected(HttpError{status, std::move(detail)});
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<HttpError> checkPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return HttpError{400, "target is not origin-form"};
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return HttpError{400, "control or non-ASCII byte in target"};
    if (c == '%' || c == '\\' || c == ';') return HttpError{400, "encoded or special character in target"};
  }
  if (path.find("..") != std::string_view::npos) return HttpError{400, "'..' in target"};
  if (path.find("//") != std::string_view::npos) return HttpError{400, "'//' in target"};
  return std::nullopt;
}

std::expected<Method, HttpError> parseMethod(std::string_view m) {
  if (m == "GET") return Method::kGet;
  if (m == "POST") return Method::kPost;
  if (m == "CONNECT") return Method::kConnect;
  for (char c : m)
    if (!isTokenChar(c)) return refuse(400, "malformed method");
  return refuse(501, "method not implemented");
}

// "METHOD SP target SP HTTP/1.x"
std::expected<Request, HttpError> parseRequestLine(std::string_view line) {
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return refuse(400, "malformed request line");
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return refuse(505, "unsupported HTTP version");
  auto method = parseMethod(line.substr(0, sp1));
  if (!method) return std::unexpected(method.error());
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  Request req;
  req.method = *method;
  auto q = target.find('?');
  if (q != std::string_view::npos) {
    req.query = std::string(target.substr(q + 1));
    target = target.substr(0, q);
  }
  if (auto bad = checkPath(target)) return std::unexpected(*bad);
  req.path = std::string(target);
  return req;
}

std::optional<HttpError> parseHeaderLine(std::string_view line, Request& req) {
  if (line.front() == ' ' || line.front() == '\t') return HttpError{400, "obsolete line folding"};
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return HttpError{400, "header without a name"};
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), isTokenChar)) return HttpError{400, "bad header name"};
  std::string_view value = trim(line.substr(colon + 1));
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return HttpError{400, "control byte in header"};
  if (req.headers.size() >= kMaxHeaders) return HttpError{431, "too many headers"};
  req.headers.emplace_back(std::string(name), std::string(value));
  return std::nullopt;
}

std::expected<std::size_t, HttpError> bodyLength(const Request& req) {
  std::optional<std::string_view> len;
  for (const auto& [name, value] : req.headers) {
    if (iequals(name, "Transfer-Encoding")) return refuse(501, "Transfer-Encoding not supported");
    if (!iequals(name, "Content-Length")) continue;
    if (len) return refuse(400, "duplicate Content-Length");
    len = value;
  }
  if (!len) return 0;
  if (len->empty() ||
      !std::all_of(len->begin(), len->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return refuse(400, "bad Content-Length");
  if (len->size() > 7) return refuse(413, "body too large");
  std::size_t n = std::stoul(std::string(*len));
  if (n > kMaxBodyBytes) return refuse(413, "body too large");
  return n;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return std::string_view(v);
  return std::nullopt;
}

std::string HttpError::reasonPhrase() const {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::expected<ParseResult, HttpError> parseRequest(std::string_view in) {
  auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in.size() > kMaxHeaderBytes) return refuse(431, "header block over 16 KiB");
    return ParseResult{};
  }
  if (end + 4 > kMaxHeaderBytes) return refuse(431, "header block over 16 KiB");
  std::string_view head = in.substr(0, end);
  auto line_end = head.find("\r\n");
  auto req = parseRequestLine(head.substr(0, line_end));
  if (!req) return std::unexpected(req.error());
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto next = head.find("\r\n", pos);
    if (next == std::string_view::npos) next = head.size();
    std::string_view line = head.substr(pos, next - pos);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
      return refuse(400, "bare CR or LF in header");
    if (auto bad = parseHeaderLine(line, *req)) return std::unexpected(*bad);
    pos = next + 2;
  }
  auto body_len = bodyLength(*req);
  if (!body_len) return std::unexpected(body_len.error());
  std::size_t total = end + 4 + *body_len;
  if (in.size() < total) return ParseResult{};
  req->body = std::string(in.substr(end + 4, *body_len));
  return ParseResult{std::move(*req), total};
}

std::optional<std::string_view> cookieValue(const Request& req, std::string_view name) {
  for (const auto& [n, v] : req.headers) {
    if (!iequals(n, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view item = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = item.find('=');
      if (eq != std::string_view::npos && item.substr(0, eq) == name) return item.substr(eq + 1);
    }
  }
  return std::nullopt;
}

}  // namespace bulwark::http
