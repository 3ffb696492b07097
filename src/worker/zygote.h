// runZygote: the worker zygote. bulwarkd starts one bulwark-worker with
// --zygote; it initialises OpenSSL, enters the sandbox (role kWorkerZygote)
// and then, for each SpawnWorker from main, forks a worker with
// CLONE_PARENT, so that the worker is main's child (main reaps it and sees
// how it died) and shares the zygote's pages: OpenSSL's start-up, the
// relocated binary and the sandbox are paid once instead of per connection.
// The child stacks the worker's own filter (privsep::narrowToWorker) before
// it reads a byte from the client. The zygote itself never sees client
// bytes: it receives descriptors and forks, nothing else.
//
//   auto filter = privsep::CompiledFilter::compile(privsep::SandboxRole::kWorker);
//   ... enterSandbox(kWorkerZygote) ...
//   return runZygote(ipc::Channel(UniqueFd(3), ipc::kMainZygoteCap, ipc::SpawnWorker::kFds),
//   *filter);
#pragma once

#include "ipc/channel.h"
#include "privsep/seccomp_policy.h"

namespace bulwark::worker {

// Returns the zygote's exit code when main closes the channel; in a forked
// child it never returns (the worker exits when its connection ends).
// `worker_filter`: the kWorker seccomp filter, compiled before the sandbox.
int runZygote(ipc::Channel from_main, const privsep::CompiledFilter& worker_filter);

}  // namespace bulwark::worker
