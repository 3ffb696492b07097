// Fuzzes IPC decoding as the privileged receivers do it: split a datagram
// into a frame under each channel's cap, then decode it as every message
// type of that number. Anything that decodes must re-encode to the same
// bytes (one canonical encoding).
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "ipc/channel.h"
#include "ipc/limits.h"
#include "ipc/main_authd.h"
#include "ipc/main_logship.h"
#include "ipc/main_worker.h"
#include "ipc/main_zygote.h"
#include "ipc/worker_authd.h"

namespace {

using namespace bulwark::ipc;

template <typename M>
void tryDecode(const Frame& f) {
  if (f.type != static_cast<std::uint16_t>(M::kType)) return;
  auto m = decodeFrame<M>(f);
  if (!m) return;
  Frame again = encodeFrame(*m);
  if (again.payload.size() != f.payload.size() ||
      (!f.payload.empty() &&
       std::memcmp(again.payload.data(), f.payload.data(), f.payload.size()) != 0))
    std::abort();
}

void decodeAll(const Frame& f) {
  tryDecode<WorkerInit>(f);
  tryDecode<WorkerStarted>(f);
  tryDecode<SpawnWorker>(f);
  tryDecode<ZygoteInit>(f);
  tryDecode<TunnelReady>(f);
  tryDecode<TunnelRefused>(f);
  tryDecode<Terminate>(f);
  tryDecode<DtlsFlow>(f);
  tryDecode<Stats>(f);
  tryDecode<TunnelClosed>(f);
  tryDecode<SignRequest>(f);
  tryDecode<SignReply>(f);
  tryDecode<AuthPassword>(f);
  tryDecode<AuthReply>(f);
  tryDecode<AuthOtp>(f);
  tryDecode<CookieCheck>(f);
  tryDecode<CookieReply>(f);
  tryDecode<Logout>(f);
  tryDecode<WorkerAttach>(f);
  tryDecode<WorkerGone>(f);
  tryDecode<RevokeSession>(f);
  tryDecode<RevokeUser>(f);
  tryDecode<SessionGrant>(f);
  tryDecode<SessionEnded>(f);
  tryDecode<KillWorker>(f);
  tryDecode<ClearBan>(f);
  tryDecode<PolicyUpdate>(f);
  tryDecode<AuthSettings>(f);
  tryDecode<BanUpdate>(f);
  tryDecode<AuditEvent>(f);
  tryDecode<LogRecord>(f);
  tryDecode<LogshipStatus>(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  for (std::size_t cap :
       {kMainWorkerCap, kWorkerAuthdCap, kMainAuthdCap, kMainLogshipCap, kMainZygoteCap}) {
    auto f = parseFrame(in, cap);
    if (f) decodeAll(*f);
  }
  return 0;
}
