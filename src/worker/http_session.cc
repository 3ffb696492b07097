#include "worker/http_session.h"

#include <poll.h>

#include "common/log.h"
#include "proto/anyconnect/auth_xml.h"
#include "proto/anyconnect/connect_reply.h"
#include "proto/http/response.h"

namespace bulwark::worker {
namespace {

constexpr std::string_view kLoginPath = "/";
constexpr std::string_view kTunnelPath = "/CSCOSSLC/tunnel";
constexpr auto kTunnelWait = std::chrono::seconds(10);
constexpr std::size_t kReadChunk = 16 * 1024;

std::string xmlResponse(const std::string& body,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "text/xml");
  headers.emplace_back("X-Transcend-Version", "1");
  return http::serializeResponse(200, "OK", headers, body);
}

}  // namespace

HttpSession::HttpSession(const std::string& peer, const ipc::WorkerInit& init, TlsStream& tls,
                         AuthdClient& authd, ipc::Channel& main)
    : peer_(peer), init_(init), tls_(tls), authd_(authd), main_(main) {}

HttpSession::~HttpSession() { secureWipe(buffer_.data(), buffer_.capacity()); }

std::optional<GrantedTunnel> HttpSession::run(Deadline deadline) {
  deadline_ = deadline;
  for (;;) {
    auto parsed = http::parseRequest(buffer_);
    if (!parsed) {
      refuse(parsed.error().status, parsed.error().reasonPhrase(), parsed.error().detail);
      return std::nullopt;
    }
    if (parsed->request) {
      Next next = handle(std::move(*parsed->request), parsed->consumed);
      if (next == Next::kClose) return std::nullopt;
      if (next == Next::kTunnel) return std::move(granted_);
      continue;
    }
    if (!readMore()) return std::nullopt;
  }
}

// Routes one request, then wipes every copy of its bytes we hold: a login
// body carries the password, the headers the cookie and a legacy DTLS
// master secret (architecture.md property 5).
HttpSession::Next HttpSession::handle(http::Request req, std::size_t consumed) {
  Next next = route(req);
  secureWipe(req.body.data(), req.body.size());
  for (auto& [name, value] : req.headers) secureWipe(value.data(), value.size());
  secureWipe(buffer_.data(), consumed);
  buffer_.erase(0, consumed);
  return next;
}

bool HttpSession::readMore() {
  std::byte chunk[kReadChunk];
  auto n = tls_.read(chunk, deadline_);
  if (!n) {
    spdlog::debug("{}: {}", peer_, n.error().message);
    return false;
  }
  // Grow by hand so a reallocation never leaves an unwiped copy behind.
  if (buffer_.capacity() < buffer_.size() + *n) {
    std::string bigger;
    bigger.reserve(2 * (buffer_.size() + *n));
    bigger = buffer_;
    secureWipe(buffer_.data(), buffer_.capacity());
    buffer_.swap(bigger);
  }
  buffer_.append(reinterpret_cast<const char*>(chunk), *n);
  secureWipe(chunk, *n);
  return true;
}

HttpSession::Next HttpSession::route(const http::Request& req) {
  for (const auto& blocked : init_.blocked_paths)
    if (req.path == blocked) return refuse(403, "Forbidden", "path blocked by mitigation policy");
  if (req.method == http::Method::kPost && req.path == kLoginPath) return answerLogin(req);
  if (req.method == http::Method::kGet && req.path == kLoginPath) return sendForm("");
  if (req.method == http::Method::kConnect && req.path == kTunnelPath) return answerConnect(req);
  return refuse(404, "Not Found", "unknown path");
}

HttpSession::Next HttpSession::sendForm(const std::string& error) {
  std::string body = anyconnect::buildLoginForm("Please enter your username and password.", error);
  return send(xmlResponse(body)) ? Next::kContinue : Next::kClose;
}

HttpSession::Next HttpSession::sendOtpForm(const std::string& error) {
  std::string body =
      anyconnect::buildOtpForm("Enter the 6-digit code from your authenticator.", error);
  return send(xmlResponse(body)) ? Next::kContinue : Next::kClose;
}

HttpSession::Next HttpSession::answerLogin(const http::Request& req) {
  auto doc = anyconnect::parseClientAuth(req.body);
  if (!doc) return refuse(400, "Bad Request", "malformed auth XML: " + doc.error().message);
  if (awaiting_otp_) {
    if (doc->type != anyconnect::ClientAuthType::kAuthReply || doc->otp.empty())
      return sendOtpForm("Please enter the code.");
    return answerAuthd(authd_.authOtp(std::move(doc->otp)), "");
  }
  if (doc->type != anyconnect::ClientAuthType::kAuthReply || !doc->otp.empty())
    return sendForm("");  // a code without a password step first: start over
  if (doc->username.empty() || doc->password.empty())
    return sendForm("Please enter your username and password.");
  std::string user = doc->username;
  return answerAuthd(authd_.authPassword(user, std::move(doc->password)), user);
}

HttpSession::Next HttpSession::answerAuthd(const Result<ipc::AuthReply>& reply,
                                           const std::string& user) {
  if (!reply) {
    spdlog::error("{}: authd: {}", peer_, reply.error().message);
    return refuse(503, "Service Unavailable", "authd unreachable");
  }
  switch (reply->outcome) {
    case ipc::AuthOutcome::kRetry:
      return sendForm(reply->message);
    case ipc::AuthOutcome::kSecondFactor: {
      bool first = !awaiting_otp_;
      awaiting_otp_ = true;
      return sendOtpForm(first ? "" : reply->message);
    }
    case ipc::AuthOutcome::kDenied:
      awaiting_otp_ = false;
      return refuse(401, "Authentication failed",
                    user.empty() ? "second factor denied" : "login denied for " + logSafe(user));
    case ipc::AuthOutcome::kRefused:
      awaiting_otp_ = false;
      // A form with an error and no inputs: the client shows it and stops.
      spdlog::warn("refused {}: {}", peer_, reply->message);
      send(xmlResponse(anyconnect::buildRefusal(reply->message)));
      return Next::kClose;
    case ipc::AuthOutcome::kSuccess:
      awaiting_otp_ = false;
      return sendSuccess(*reply);
  }
  return refuse(500, "Internal Server Error", "bad authd reply");
}

HttpSession::Next HttpSession::sendSuccess(const ipc::AuthReply& reply) {
  std::string cookie(reply.cookie.view());
  std::string body = anyconnect::buildAuthSuccess(cookie, reply.message);
  std::string response =
      xmlResponse(body, {{"Set-Cookie", "webvpn=" + cookie + "; Secure; HttpOnly"}});
  secureWipe(cookie.data(), cookie.size());
  bool ok = send(response);
  secureWipe(response.data(), response.size());
  secureWipe(body.data(), body.size());
  return ok ? Next::kContinue : Next::kClose;
}

HttpSession::Next HttpSession::answerConnect(const http::Request& req) {
  auto connect = anyconnect::parseConnectRequest(req);
  if (!connect) return refuse(400, "Bad Request", "bad CONNECT: " + connect.error().message);
  if (connect->cookie.empty())
    return refuse(401, "Cookie is not acceptable", "CONNECT without cookie");
  // main sizes the tunnel MTU by whether DTLS will carry it.
  const bool wants_dtls = init_.dtls_port != 0 && connect->offersDtls();
  auto verdict = authd_.checkCookie(std::move(connect->cookie), wants_dtls);
  if (!verdict) return refuse(503, "Service Unavailable", "authd unreachable");
  if (!verdict->ok) return refuse(401, "Cookie is not acceptable", "cookie rejected");
  auto tunnel = awaitTunnel();
  if (!tunnel) return refuse(503, "Service Unavailable", "no tunnel from main");
  anyconnect::TunnelParams p;
  p.client_address = tunnel->info.client_address;
  p.netmask = init_.netmask;
  p.mtu = tunnel->info.mtu;
  p.base_mtu = tunnel->info.base_mtu;
  p.dns = init_.dns;
  p.default_domain = init_.default_domain;
  p.split_include = init_.split_include;
  p.dpd_seconds = init_.dpd_seconds;
  p.keepalive_seconds = init_.keepalive_seconds;
  p.idle_timeout_seconds = init_.idle_timeout_seconds;
  p.session_timeout_seconds = init_.session_timeout_seconds;
  p.banner = init_.banner;
  if (wants_dtls && !tunnel->info.dtls_app_id.empty()) {
    p.dtls_app_id = tunnel->info.dtls_app_id;
    p.dtls_port = init_.dtls_port;
    tunnel->dtls_offered = true;
    if (connect->legacy_dtls_suite) {  // anyconnect.md 5.3
      p.legacy_dtls_suite = connect->legacy_dtls_suite;
      tunnel->dtls_legacy_suite = connect->legacy_dtls_suite->id;
      tunnel->dtls_master_secret = std::move(connect->dtls_master_secret);
    }
  }
  if (!send(anyconnect::buildConnectReply(p))) return Next::kClose;
  // main logs the tunnel (user, address, device) and audits it.
  spdlog::debug("{}: tunnel for {} at {}", peer_, verdict->username, tunnel->info.client_address);
  granted_ = std::move(tunnel);
  return Next::kTunnel;
}

std::optional<GrantedTunnel> HttpSession::awaitTunnel() {
  // main sends TunnelReady (with the TUN fd) or TunnelRefused after authd's grant.
  pollfd p{main_.fd(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kTunnelWait).count())) <= 0)
    return std::nullopt;
  auto frame = main_.receive();
  if (!frame) return std::nullopt;
  if (auto ready = ipc::decodeFrame<ipc::TunnelReady>(*frame); ready && frame->fd) {
    GrantedTunnel granted;
    granted.info = std::move(*ready);
    granted.tun = std::move(frame->fd);
    return granted;
  }
  if (auto refused = ipc::decodeFrame<ipc::TunnelRefused>(*frame))
    spdlog::warn("{}: tunnel refused: {}", peer_, refused->reason);
  return std::nullopt;
}

HttpSession::Next HttpSession::refuse(int status, const std::string& reason,
                                      const std::string& why) {
  spdlog::warn("refused {}: {} {} ({})", peer_, status, reason, why);
  send(http::serializeErrorResponse(status, reason));
  return Next::kClose;
}

bool HttpSession::send(const std::string& bytes) {
  return tls_.write(bytes, deadline_).has_value();
}

}  // namespace bulwark::worker
