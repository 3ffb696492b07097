// Connection: one client connection in the worker, from TLS handshake to the
// end of its tunnel. Phases:
//   1. WorkerInit from main (certificate chain, tunnel options)
//   2. TLS handshake (private-key operation delegated to authd)
//   3. HTTP: XML login and/or CONNECT with a cookie (http_session.h)
//   4. the tunnel packet loop (tunnel.h)
#pragma once

#include <memory>
#include <string>

#include "common/unique_fd.h"
#include "ipc/channel.h"
#include "ipc/main_worker.h"
#include "tls/server_context.h"
#include "worker/authd_client.h"

namespace bulwark::worker {

class Connection {
 public:
  // `prepared`: a TLS context made before the fork (worker zygote); used when
  // its chain is the one WorkerInit names, else the worker makes its own.
  Connection(std::string peer, ipc::Channel main, ipc::Channel authd, UniqueFd client,
             tls::ReusableServerContext* prepared = nullptr);
  // Returns the process exit code.
  int serve();

 private:
  std::string peer_;
  ipc::Channel main_;
  AuthdClient authd_;
  UniqueFd client_;
  tls::ReusableServerContext* prepared_;
};

}  // namespace bulwark::worker
