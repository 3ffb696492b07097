// Gateway: bulwarkd's event loop. It accepts TCP connections and hands each
// to a fresh bulwark-worker (it never reads a byte from the network), creates
// TUN devices and leases addresses when authd grants a session, reaps
// workers, and serves the admin control socket.
//
//   Gateway g(cfg, paths);
//   if (auto r = g.start(); !r) ...;
//   g.run();   // until SIGTERM/SIGINT
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/event_loop.h"
#include "common/unique_fd.h"
#include "config/config.h"
#include "ipc/channel.h"
#include "ipc/main_authd.h"
#include "main/audit_trail.h"
#include "main/authd_link.h"
#include "main/ban_list.h"
#include "main/control_server.h"
#include "main/worker_launcher.h"
#include "main/worker_record.h"
#include "mitigation/policy_store.h"
#include "pool/ip_pool.h"
#include "privsep/account.h"
#include "privsep/sandbox.h"
#include "tun/tun_pool.h"

namespace bulwark::mainproc {

class Gateway : public ControlHandler {
 public:
  Gateway(config::Config cfg, std::string config_path, bool debug);
  Result<void> start();
  void run();

  // ControlHandler
  nlohmann::json listSessions() override;
  Result<unsigned> disconnectSession(std::uint64_t session_id) override;
  Result<unsigned> disconnectUser(const std::string& username) override;
  nlohmann::json listBans() override;
  Result<unsigned> clearBan(const std::string& key) override;
  Result<nlohmann::json> applyMitigation(const std::string& signed_policy) override;
  nlohmann::json status() override;
  Result<nlohmann::json> reloadConfig(const std::string& by) override;
  Result<void> noteAdminAction(const std::string& event, const std::string& user,
                               uid_t uid) override;

 private:
  Result<void> startAuthd();
  Result<void> openListener();
  Result<void> openUdpListener();
  void onAccept();
  void shedConnection();
  void onDatagram();
  void handOverFlow(WorkerRecord& w, const sockaddr_storage& from, socklen_t len,
                    std::string datagram);
  Result<void> spawnWorker(UniqueFd client, const std::string& peer, const PathInfo& path);
  void onWorkerReadable(std::uint64_t worker_id);
  void workerStarted(WorkerRecord& w, const ipc::Frame& frame);
  void collectWorkerStarts();
  void onAuthdReadable();
  void onSignal();
  void reapChildren();
  void workerExited(WorkerRecord& w, int status);

  void grantTunnel(const ipc::SessionGrant& g);
  void openTunnel(WorkerRecord& w);
  void refuseTunnel(WorkerRecord& w, const std::string& reason);
  void endSession(std::uint64_t session_id);
  void terminateWorker(WorkerRecord& w, const std::string& reason);
  void killWorker(WorkerRecord& w, const std::string& why);
  void signalWorker(WorkerRecord& w, int sig);
  bool sendToWorker(WorkerRecord& w, const ipc::Frame& f, int pass_fd = -1, bool droppable = false);
  WorkerRecord* findWorker(std::uint64_t id);
  void recordAudit(const ipc::AuditEvent& e);
  Result<void> loadMitigationPolicy();
  void sendPolicyToAuthd();
  void sendAuthSettings();
  Result<nlohmann::json> refuseReload(const std::string& by, const std::string& why);
  bool dtlsOffered() const;
  nlohmann::json mitigationJson() const;
  nlohmann::json tunJson() const;
  ipc::WorkerInit workerInit() const;

  config::Config cfg_;
  std::string config_path_;
  unsigned config_generation_ = 1;     // +1 per applied reload
  std::int64_t config_loaded_at_ = 0;  // unix seconds
  bool debug_;
  std::string exe_dir_;
  privsep::Account worker_account_{};
  std::string empty_root_;
  std::string cert_chain_pem_;
  EventLoop loop_;
  UniqueFd listener_;
  UniqueFd udp_;
  UniqueFd signal_fd_;
  ipc::Channel authd_;
  std::unique_ptr<AuthdLink> authd_link_;  // main -> authd, never blocks
  pid_t authd_pid_ = -1;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<WorkerLauncher> launcher_;
  pool::IpPool pool_;
  tun::TunPool tuns_;
  std::uint64_t next_worker_id_ = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<WorkerRecord>> workers_;
  std::unordered_map<pid_t, std::uint64_t> worker_by_pid_;
  std::unordered_map<std::uint64_t, SessionRecord> sessions_;
  std::unordered_map<std::string, std::uint64_t> worker_by_app_id_;  // raw 32 bytes
  BanList bans_;
  UniqueFd spare_fd_;  // given up when accept() runs out of descriptors
  std::chrono::steady_clock::time_point last_fd_warning_{};
  std::chrono::steady_clock::time_point last_unserved_log_{};
  std::uint64_t unserved_ = 0;
  AuditTrail audit_;
  mitigation::PolicyStore policy_;
  bool running_ = true;
};

}  // namespace bulwark::mainproc
