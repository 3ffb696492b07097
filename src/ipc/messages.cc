// Encoders and decoders of every IPC message. Decoders enforce the field caps
// of ipc/limits.h; Channel/decodeFrame reject trailing bytes.
#include "ipc/decode_try.h"
#include "ipc/limits.h"
#include "ipc/main_authd.h"
#include "ipc/main_worker.h"
#include "ipc/main_zygote.h"
#include "ipc/worker_authd.h"

namespace bulwark::ipc {
namespace {

void putList(Writer& w, const std::vector<std::string>& v) {
  w.u32(static_cast<std::uint32_t>(v.size()));
  for (const auto& s : v) w.str(s);
}

Result<std::vector<std::string>> getList(Reader& r, std::size_t item_cap) {
  BW_TRY(n, r.u32());
  if (n > kMaxListItems) return fail("ipc: list longer than its cap");
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < n; ++i) {
    BW_TRY(s, r.str(item_cap));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

// ---- main <-> worker ----

void WorkerInit::encode(Writer& w) const {
  w.str(cert_chain_pem);
  w.u32(dpd_seconds);
  w.u32(keepalive_seconds);
  w.u32(idle_timeout_seconds);
  w.u32(session_timeout_seconds);
  w.u32(auth_timeout_seconds);
  w.str(netmask);
  putList(w, dns);
  w.str(default_domain);
  putList(w, split_include);
  w.str(banner);
  w.u32(dtls_port);
  putList(w, blocked_paths);
  w.u32(rx_coalesce_us);
  w.u8(ack_thinning ? 1 : 0);
  w.u32(dtls_inflight_kib);
}

Result<WorkerInit> WorkerInit::decode(Reader& r) {
  WorkerInit m;
  BW_TRY(pem, r.str(kMaxCertChain));
  m.cert_chain_pem = std::move(pem);
  BW_TRY(dpd, r.u32());
  BW_TRY(ka, r.u32());
  BW_TRY(idle, r.u32());
  BW_TRY(sess, r.u32());
  BW_TRY(auth, r.u32());
  m.dpd_seconds = dpd;
  m.keepalive_seconds = ka;
  m.idle_timeout_seconds = idle;
  m.session_timeout_seconds = sess;
  m.auth_timeout_seconds = auth;
  BW_TRY(mask, r.str(kMaxAddressText));
  m.netmask = std::move(mask);
  BW_TRY(dns, getList(r, kMaxAddressText));
  m.dns = std::move(dns);
  BW_TRY(domain, r.str(kMaxMessageText));
  m.default_domain = std::move(domain);
  BW_TRY(split, getList(r, kMaxAddressText));
  m.split_include = std::move(split);
  BW_TRY(banner, r.str(kMaxMessageText));
  m.banner = std::move(banner);
  BW_TRY(dtls_port, r.u32());
  if (dtls_port > 65535) return fail("ipc: bad DTLS port");
  m.dtls_port = dtls_port;
  BW_TRY(blocked, getList(r, kMaxRequestPath));
  m.blocked_paths = std::move(blocked);
  BW_TRY(coalesce, r.u32());
  if (coalesce > kMaxRxCoalesceUs) return fail("ipc: rx_coalesce_us out of range");
  m.rx_coalesce_us = coalesce;
  BW_TRY(thin, r.boolean());
  m.ack_thinning = thin;
  BW_TRY(inflight, r.u32());
  if (inflight > kMaxDtlsInflightKib) return fail("ipc: dtls_inflight_kib out of range");
  m.dtls_inflight_kib = inflight;
  return m;
}

void TunnelReady::encode(Writer& w) const {
  w.u64(session_id);
  w.str(client_address);
  w.str(dtls_app_id);
  w.u32(mtu);
  w.u32(base_mtu);
}
Result<TunnelReady> TunnelReady::decode(Reader& r) {
  BW_TRY(id, r.u64());
  BW_TRY(addr, r.str(kMaxAddressText));
  BW_TRY(app_id, r.str(2 * 32));
  BW_TRY(mtu, r.u32());
  BW_TRY(base_mtu, r.u32());
  if (mtu < kMinMtu || mtu > kMaxMtu) return fail("ipc: bad tunnel MTU");
  if (base_mtu < kMinMtu || base_mtu > kMaxMtu) return fail("ipc: bad link MTU");
  return TunnelReady{id, std::move(addr), std::move(app_id), mtu, base_mtu};
}

void DtlsFlow::encode(Writer& w) const { w.str(datagram); }
Result<DtlsFlow> DtlsFlow::decode(Reader& r) {
  BW_TRY(d, r.str(kMaxDatagram));
  return DtlsFlow{std::move(d)};
}

void TunnelRefused::encode(Writer& w) const { w.str(reason); }
Result<TunnelRefused> TunnelRefused::decode(Reader& r) {
  BW_TRY(s, r.str(kMaxMessageText));
  return TunnelRefused{std::move(s)};
}

void Terminate::encode(Writer& w) const { w.str(reason); }
Result<Terminate> Terminate::decode(Reader& r) {
  BW_TRY(s, r.str(kMaxMessageText));
  return Terminate{std::move(s)};
}

void Stats::encode(Writer& w) const {
  w.u64(bytes_in);
  w.u64(bytes_out);
  w.u64(dtls_bytes_in);
  w.u64(dtls_bytes_out);
}
Result<Stats> Stats::decode(Reader& r) {
  BW_TRY(in, r.u64());
  BW_TRY(out, r.u64());
  BW_TRY(din, r.u64());
  BW_TRY(dout, r.u64());
  if (din > in || dout > out) return fail("ipc: DTLS bytes exceed total bytes");
  return Stats{in, out, din, dout};
}

void TunnelClosed::encode(Writer& w) const {
  w.u8(static_cast<std::uint8_t>(reason));
  final_stats.encode(w);
}
Result<TunnelClosed> TunnelClosed::decode(Reader& r) {
  BW_TRY(reason, r.u8());
  if (reason < 1 || reason > 5) return fail("ipc: bad close reason");
  BW_TRY(stats, Stats::decode(r));
  return TunnelClosed{static_cast<CloseReason>(reason), stats};
}

// ---- main -> zygote ----

void SpawnWorker::encode(Writer& w) const { w.str(peer); }
Result<SpawnWorker> SpawnWorker::decode(Reader& r) {
  BW_TRY(p, r.str(kMaxAddressText));
  if (p.empty()) return fail("ipc: empty peer");
  return SpawnWorker{std::move(p)};
}

void ZygoteInit::encode(Writer& w) const { w.str(cert_chain_pem); }
Result<ZygoteInit> ZygoteInit::decode(Reader& r) {
  BW_TRY(pem, r.str(kMaxCertChain));
  return ZygoteInit{std::move(pem)};
}

// ---- worker <-> authd ----

void SignRequest::encode(Writer& w) const {
  w.u8(static_cast<std::uint8_t>(kind));
  w.u32(rsa_padding);
  w.str(data);
}
Result<SignRequest> SignRequest::decode(Reader& r) {
  BW_TRY(kind, r.u8());
  if (kind != 1 && kind != 2) return fail("ipc: bad sign kind");
  BW_TRY(pad, r.u32());
  BW_TRY(data, r.str(kMaxSignInput));
  return SignRequest{static_cast<SignKind>(kind), pad, std::move(data)};
}

void SignReply::encode(Writer& w) const {
  w.u8(ok ? 1 : 0);
  w.str(signature);
}
Result<SignReply> SignReply::decode(Reader& r) {
  BW_TRY(ok, r.boolean());
  BW_TRY(sig, r.str(kMaxSignInput));
  return SignReply{ok, std::move(sig)};
}

void AuthPassword::encode(Writer& w) const {
  w.str(username);
  w.secret(password);
}
Result<AuthPassword> AuthPassword::decode(Reader& r) {
  BW_TRY(user, r.str(kMaxUsername));
  BW_TRY(pw, r.secret(kMaxPassword));
  return AuthPassword{std::move(user), std::move(pw)};
}

void AuthReply::encode(Writer& w) const {
  w.u8(static_cast<std::uint8_t>(outcome));
  w.str(message);
  w.secret(cookie);
}
Result<AuthReply> AuthReply::decode(Reader& r) {
  BW_TRY(outcome, r.u8());
  if (outcome < 1 || outcome > 5) return fail("ipc: bad auth outcome");
  BW_TRY(msg, r.str(kMaxMessageText));
  BW_TRY(cookie, r.secret(kMaxCookie));
  return AuthReply{static_cast<AuthOutcome>(outcome), std::move(msg), std::move(cookie)};
}

void AuthOtp::encode(Writer& w) const { w.secret(code); }
Result<AuthOtp> AuthOtp::decode(Reader& r) {
  BW_TRY(code, r.secret(kMaxOtp));
  return AuthOtp{std::move(code)};
}

void CookieCheck::encode(Writer& w) const {
  w.secret(cookie);
  w.u8(wants_dtls ? 1 : 0);
}
Result<CookieCheck> CookieCheck::decode(Reader& r) {
  BW_TRY(cookie, r.secret(kMaxCookie));
  BW_TRY(dtls, r.boolean());
  return CookieCheck{std::move(cookie), dtls};
}

void CookieReply::encode(Writer& w) const {
  w.u8(ok ? 1 : 0);
  w.str(username);
  w.u64(session_id);
}
Result<CookieReply> CookieReply::decode(Reader& r) {
  BW_TRY(ok, r.boolean());
  BW_TRY(user, r.str(kMaxUsername));
  BW_TRY(id, r.u64());
  return CookieReply{ok, std::move(user), id};
}

// ---- main <-> authd ----

void WorkerAttach::encode(Writer& w) const {
  w.u64(worker_id);
  w.str(peer);
}
Result<WorkerAttach> WorkerAttach::decode(Reader& r) {
  BW_TRY(id, r.u64());
  BW_TRY(peer, r.str(kMaxAddressText));
  return WorkerAttach{id, std::move(peer)};
}

void WorkerGone::encode(Writer& w) const { w.u64(worker_id); }
Result<WorkerGone> WorkerGone::decode(Reader& r) {
  BW_TRY(id, r.u64());
  return WorkerGone{id};
}

void RevokeSession::encode(Writer& w) const { w.u64(session_id); }
Result<RevokeSession> RevokeSession::decode(Reader& r) {
  BW_TRY(id, r.u64());
  return RevokeSession{id};
}

void RevokeUser::encode(Writer& w) const { w.str(username); }
Result<RevokeUser> RevokeUser::decode(Reader& r) {
  BW_TRY(user, r.str(kMaxUsername));
  return RevokeUser{std::move(user)};
}

void SessionGrant::encode(Writer& w) const {
  w.u64(worker_id);
  w.u64(session_id);
  w.str(username);
  w.u8(wants_dtls ? 1 : 0);
}
Result<SessionGrant> SessionGrant::decode(Reader& r) {
  BW_TRY(wid, r.u64());
  BW_TRY(sid, r.u64());
  BW_TRY(user, r.str(kMaxUsername));
  BW_TRY(dtls, r.boolean());
  return SessionGrant{wid, sid, std::move(user), dtls};
}

void SessionEnded::encode(Writer& w) const { w.u64(session_id); }
Result<SessionEnded> SessionEnded::decode(Reader& r) {
  BW_TRY(id, r.u64());
  return SessionEnded{id};
}

void KillWorker::encode(Writer& w) const { w.u64(worker_id); }
Result<KillWorker> KillWorker::decode(Reader& r) {
  BW_TRY(id, r.u64());
  return KillWorker{id};
}

void PolicyUpdate::encode(Writer& w) const {
  w.u8(disable_new_logins ? 1 : 0);
  w.u8(disable_password_only ? 1 : 0);
  w.u8(disable_totp ? 1 : 0);
}
Result<PolicyUpdate> PolicyUpdate::decode(Reader& r) {
  BW_TRY(logins, r.boolean());
  BW_TRY(password_only, r.boolean());
  BW_TRY(totp, r.boolean());
  return PolicyUpdate{logins, password_only, totp};
}

void AuthSettings::encode(Writer& w) const {
  w.u32(cookie_grace);
  w.u32(session_lifetime);
  w.u32(max_per_user);
  w.u8(mfa_required ? 1 : 0);
  w.u32(max_failures);
  w.u32(backoff);
  w.u32(backoff_max);
}
Result<AuthSettings> AuthSettings::decode(Reader& r) {
  BW_TRY(grace, r.u32());
  BW_TRY(lifetime, r.u32());
  BW_TRY(per_user, r.u32());
  BW_TRY(mfa, r.boolean());
  BW_TRY(failures, r.u32());
  BW_TRY(backoff, r.u32());
  BW_TRY(backoff_max, r.u32());
  return AuthSettings{grace, lifetime, per_user, mfa, failures, backoff, backoff_max};
}

void ClearBan::encode(Writer& w) const { w.str(key); }
Result<ClearBan> ClearBan::decode(Reader& r) {
  BW_TRY(key, r.str(kMaxBanKey));
  return ClearBan{std::move(key)};
}

void BanUpdate::encode(Writer& w) const {
  w.str(key);
  w.u32(failures);
  w.u32(seconds_remaining);
}
Result<BanUpdate> BanUpdate::decode(Reader& r) {
  BW_TRY(key, r.str(kMaxBanKey));
  BW_TRY(failures, r.u32());
  BW_TRY(remaining, r.u32());
  return BanUpdate{std::move(key), failures, remaining};
}

void AuditEvent::encode(Writer& w) const {
  w.str(event);
  w.str(user);
  w.str(peer);
  w.str(detail);
}
Result<AuditEvent> AuditEvent::decode(Reader& r) {
  BW_TRY(event, r.str(kMaxAuditText));
  BW_TRY(user, r.str(kMaxUsername));
  BW_TRY(peer, r.str(kMaxAddressText));
  BW_TRY(detail, r.str(kMaxAuditText));
  return AuditEvent{std::move(event), std::move(user), std::move(peer), std::move(detail)};
}

}  // namespace bulwark::ipc
