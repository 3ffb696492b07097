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
//   return runZygote(ipc::Channel(UniqueFd(3), ipc::kMainZygoteCap, ipc::SpawnWorker::kFds));
#pragma once

#include "ipc/channel.h"

namespace bulwark::worker {

// Returns the zygote's exit code when main closes the channel; in a forked
// child it never returns (the worker exits when its connection ends).
int runZygote(ipc::Channel from_main);

}  // namespace bulwark::worker
