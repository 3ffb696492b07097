#include "worker/zygote.h"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/log.h"
#include "ipc/limits.h"
#include "ipc/main_zygote.h"
#include "privsep/sandbox.h"
#include "tls/dtls_server.h"
#include "tls/server_context.h"
#include "tls/warm_up.h"
#include "worker/code_in_anon_memory.h"
#include "worker/connection.h"

// The linker's bounds of this static binary's headers and code.
extern "C" char __executable_start[], etext[];

namespace bulwark::worker {
namespace {

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14
#endif

// fork copies the page tables of anonymous memory only: a forked worker
// starts with no mapping of the binary's code, and every code page it runs
// costs a page fault (about 70 per connection; on a VM each is a trip
// through the hypervisor). One MADV_POPULATE_READ maps all of the code,
// which the zygote keeps in memory, in a single call. The pages are the
// zygote's page-cache pages: only page tables are added (about 16 KiB of
// kernel memory for 7 MiB of code). On a kernel without it the call fails
// and the worker takes the faults as before. Not needed (and skipped) when
// the zygote moved its code into anonymous memory (code_in_anon_memory.h):
// fork then copies those page tables, 2 MiB per entry.
void mapCodeUpFront() {
  if (codeIsInAnonymousMemory()) return;  // fork already copied its page tables
  auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto start = reinterpret_cast<std::uintptr_t>(__executable_start) & ~(page - 1);
  auto end = reinterpret_cast<std::uintptr_t>(etext);
  ::madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_READ);
}

// fork(), but the child's parent is main (CLONE_PARENT): main reaps it, gets
// its exit status and its CPU time. The only clone the zygote's filter allows.
pid_t forkAsSibling() {
  return static_cast<pid_t>(
      ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

// The forked child: narrow the sandbox, serve the one connection, exit.
[[noreturn]] void serveConnection(ipc::Channel& from_main, const std::string& peer,
                                  ipc::Frame& frame, tls::ReusableServerContext& tls,
                                  const privsep::CompiledFilter& worker_filter) {
  from_main.close();
  mapCodeUpFront();
  if (auto r = privsep::narrowToWorker(worker_filter); !r) {
    spdlog::critical("sandbox setup failed, exiting: {}", r.error().message);
    _exit(1);
  }
  int rc = 0;
  {
    Connection conn(peer, ipc::Channel(std::move(frame.more_fds[0]), ipc::kMainWorkerCap),
                    ipc::Channel(std::move(frame.more_fds[1]), ipc::kWorkerAuthdCap),
                    std::move(frame.fd), &tls);
    rc = conn.serve();
  }  // the connection's keys are wiped here, before the process goes
  spdlog::default_logger()->flush();
  // _exit: nothing of the zygote's (OpenSSL's global state) to tear down.
  _exit(rc);
}

// The first frame: build what every worker inherits.
Result<tls::ReusableServerContext> prepare(ipc::Channel& from_main) {
  auto frame = from_main.receive();
  if (!frame) return fail(frame.error());
  auto init = ipc::decodeFrame<ipc::ZygoteInit>(*frame);
  if (!init) return fail("expected ZygoteInit: " + init.error().message);
  if (auto d = tls::prepareDtlsContext(); !d) return fail(d.error());
  // Only slower without it, so a failure is not fatal.
  if (auto w = tls::warmUpHandshakes(init->cert_chain_pem); !w)
    spdlog::warn("zygote: {}", w.error().message);
  return tls::ReusableServerContext::make(init->cert_chain_pem);
}

}  // namespace

int runZygote(ipc::Channel from_main, const privsep::CompiledFilter& worker_filter) {
  auto tls = prepare(from_main);
  if (!tls) {
    spdlog::error("zygote: {}", tls.error().message);
    return 1;
  }
  spdlog::info("zygote: ready");
  for (;;) {
    auto frame = from_main.receive();
    if (!frame) {
      if (frame.error().message == ipc::kPeerClosed) return 0;  // main replaced or stopped us
      spdlog::error("zygote: channel: {}", frame.error().message);
      return 1;
    }
    auto req = ipc::decodeFrame<ipc::SpawnWorker>(*frame);
    if (!req || !frame->fd || frame->more_fds.size() != ipc::SpawnWorker::kFds - 1) {
      // From main, so a bug rather than an attack; the fds close with the frame.
      spdlog::error("zygote: malformed SpawnWorker from main; ignored");
      continue;
    }
    pid_t pid = forkAsSibling();
    if (pid == 0) serveConnection(from_main, req->peer, *frame, *tls, worker_filter);
    // Parent: the fds close with the frame. If the fork failed, main sees the
    // worker's channel close before any WorkerStarted and cleans up.
    if (pid < 0) spdlog::error("zygote: fork for {}: {}", req->peer, std::strerror(errno));
  }
}

}  // namespace bulwark::worker
