// Messages between one bulwark-worker and bulwark-authd.
//
// The worker asks, authd decides. Per worker channel authd allows:
//   SignRequest  at most once, before anything else (the TLS handshake);
//   AuthPassword up to the retry limit, until one succeeds or asks for a
//                second factor;
//   AuthOtp      only while authd awaits this connection's second factor
//                (after an AuthPassword answered kSecondFactor), up to the
//                retry limit, within the step's lifetime;
//   CookieCheck  once (a tunnel per connection);
//   Logout       only after an accepted CookieCheck, for that session only.
// Anything else kills the worker. Passwords and cookies travel as
// SecretBuffer and are wiped on both sides after use.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/secret_buffer.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

enum class WorkerAuthdType : std::uint16_t {
  kSignRequest = 1,
  kSignReply = 2,
  kAuthPassword = 3,
  kAuthReply = 4,
  kCookieCheck = 5,
  kCookieReply = 6,
  kLogout = 7,
  kAuthOtp = 8,
};

enum class SignKind : std::uint8_t {
  kEcdsaDigest = 1,  // data = message digest; reply = DER ECDSA-Sig-Value
  kRsaPrivate = 2,   // data = already-padded or to-be-padded block; see padding
};

struct SignRequest {
  static constexpr auto kType = WorkerAuthdType::kSignRequest;
  SignKind kind = SignKind::kEcdsaDigest;
  std::uint32_t rsa_padding = 0;  // RSA_PKCS1_PADDING or RSA_NO_PADDING
  std::string data;
  void encode(Writer& w) const;
  static Result<SignRequest> decode(Reader& r);
};

struct SignReply {
  static constexpr auto kType = WorkerAuthdType::kSignReply;
  bool ok = false;
  std::string signature;
  void encode(Writer& w) const;
  static Result<SignReply> decode(Reader& r);
};

struct AuthPassword {
  static constexpr auto kType = WorkerAuthdType::kAuthPassword;
  std::string username;
  SecretBuffer password;
  void encode(Writer& w) const;
  static Result<AuthPassword> decode(Reader& r);
};

enum class AuthOutcome : std::uint8_t {
  kSuccess = 1,       // cookie set
  kRetry = 2,         // show the form again with message
  kDenied = 3,        // give up: HTTP 401
  kSecondFactor = 4,  // password accepted; show the one-time-code form with message
  kRefused = 5,       // refused for a reason the user should read: show message, end
};

struct AuthReply {
  static constexpr auto kType = WorkerAuthdType::kAuthReply;
  AuthOutcome outcome = AuthOutcome::kDenied;
  std::string message;
  SecretBuffer cookie;
  void encode(Writer& w) const;
  static Result<AuthReply> decode(Reader& r);
};

// The one-time code the client typed into the second form. No user name:
// authd knows whose second factor this connection is on.
struct AuthOtp {
  static constexpr auto kType = WorkerAuthdType::kAuthOtp;
  SecretBuffer code;
  void encode(Writer& w) const;
  static Result<AuthOtp> decode(Reader& r);
};

struct CookieCheck {
  static constexpr auto kType = WorkerAuthdType::kCookieCheck;
  SecretBuffer cookie;
  // The CONNECT offered a DTLS mode the gateway serves (PSK-NEGOTIATE or legacy).
  bool wants_dtls = false;
  void encode(Writer& w) const;
  static Result<CookieCheck> decode(Reader& r);
};

struct CookieReply {
  static constexpr auto kType = WorkerAuthdType::kCookieReply;
  bool ok = false;
  std::string username;
  std::uint64_t session_id = 0;
  void encode(Writer& w) const;
  static Result<CookieReply> decode(Reader& r);
};

struct Logout {
  static constexpr auto kType = WorkerAuthdType::kLogout;
  void encode(Writer&) const {}
  static Result<Logout> decode(Reader&) { return Logout{}; }
};

}  // namespace bulwark::ipc
