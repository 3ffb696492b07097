// Messages from bulwarkd (main) to the worker zygote: the pre-started,
// sandboxed bulwark-worker that forks one worker per connection
// (docs/design/privsep.md, "Worker zygote"). The channel is one-way; the
// zygote answers nothing. ZygoteInit comes first, then SpawnWorker per
// connection. A forked worker announces itself to main on its
// own channel (WorkerStarted).
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"
#include "ipc/wire.h"

namespace bulwark::ipc {

enum class MainZygoteType : std::uint16_t {
  kSpawnWorker = 1,
  kZygoteInit = 2,
};

// First and once: what the zygote prepares for all its workers.
struct ZygoteInit {
  static constexpr auto kType = MainZygoteType::kZygoteInit;
  std::string cert_chain_pem;  // for the TLS context the workers inherit
  void encode(Writer& w) const;
  static Result<ZygoteInit> decode(Reader& r);
};

// Fork a worker for one connection. Attached fds, in order: the accepted
// TCP socket, the worker's end of its main channel, its end of its authd
// channel.
struct SpawnWorker {
  static constexpr auto kType = MainZygoteType::kSpawnWorker;
  static constexpr std::size_t kFds = 3;
  std::string peer;  // "address:port", for the worker's log lines
  void encode(Writer& w) const;
  static Result<SpawnWorker> decode(Reader& r);
};

}  // namespace bulwark::ipc
