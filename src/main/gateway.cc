#include "main/gateway.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "config/config_diff.h"
#include "ipc/limits.h"
#include "ipc/main_worker.h"
#include "privsep/spawn.h"
#include "proto/anyconnect/dtls_hello.h"
#include "tun/tun_device.h"

namespace bulwark::mainproc {
namespace {

using Clock = std::chrono::steady_clock;

// The sooner of two epoll timeouts in ms, where -1 means none.
int soonest(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

std::string readWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string formatPeer(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
  port = ntohs(a->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

// An IPv4 client on a dual-stack listener is IPv4 on the wire.
bool isIpv6(const sockaddr_storage& ss) {
  if (ss.ss_family != AF_INET6) return false;
  return !IN6_IS_ADDR_V4MAPPED(&reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr);
}

struct ListenAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  ::sockaddr* address() { return reinterpret_cast<::sockaddr*>(&storage); }
};

Result<ListenAddress> listenAddress(const std::string& ip, std::uint16_t port) {
  ListenAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length = sizeof(*v4);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length = sizeof(*v6);
  } else {
    return fail("bad listen address " + ip);
  }
  return a;
}

// A UDP socket on the listen address; SO_REUSEADDR so that per-flow sockets
// connected to one client can share the port (the kernel prefers them for
// their peer).
Result<UniqueFd> boundUdpSocket(ListenAddress addr) {
  UniqueFd s(::socket(addr.storage.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int one = 1;
  setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(s.get(), addr.address(), addr.length) != 0)
    return fail(std::string("bind UDP: ") + std::strerror(errno));
  return s;
}

std::string hostOf(const std::string& peer) {
  if (!peer.empty() && peer.front() == '[') return peer.substr(1, peer.find(']') - 1);
  return peer.substr(0, peer.rfind(':'));
}

std::string toHex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string isoTime(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Gateway::Gateway(config::Config cfg, std::string config_path, bool debug)
    : cfg_(std::move(cfg)),
      config_path_(std::move(config_path)),
      config_loaded_at_(::time(nullptr)),
      debug_(debug),
      exe_dir_(privsep::selfDirectory()),
      pool_(cfg_.network.pool_network, cfg_.network.pool_prefix),
      policy_(cfg_.server.state_dir + "/mitigation.policy", cfg_.integrity.release_pubkey) {}

Result<void> Gateway::start() {
  auto account = privsep::lookupAccount(cfg_.server.worker_user, cfg_.server.worker_group);
  if (!account) return fail(account.error());
  worker_account_ = *account;
  empty_root_ = cfg_.server.runtime_dir + "/empty";
  if (auto r = privsep::prepareEmptyRoot(empty_root_); !r) return r;
  if (auto r = audit_.open(cfg_.audit, {exe_dir_, *account, empty_root_, debug_}); !r) return r;
  cert_chain_pem_ = readWholeFile(cfg_.server.cert);
  if (cert_chain_pem_.empty()) return fail("cannot read certificate " + cfg_.server.cert);
  if (cert_chain_pem_.size() > ipc::kMaxCertChain) return fail("certificate chain too large");
  if (auto r = loadMitigationPolicy(); !r) return r;
  if (auto r = startAuthd(); !r) return r;
  sendPolicyToAuthd();
  launcher_ = std::make_unique<WorkerLauncher>(LaunchOptions{
      exe_dir_ + "/bulwark-worker", worker_account_.uid, worker_account_.gid, empty_root_,
      cert_chain_pem_, debug_,
      cfg_.server.worker_launch == "exec" ? WorkerLaunch::kExec : WorkerLaunch::kFork});
  launcher_->prepare();
  if (auto r = openListener(); !r) return r;
  if (unsigned n = tun::TunPool::removeLeftovers(); n > 0)
    spdlog::warn("removed {} TUN device(s) left by an earlier run", n);
  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  gid_t admin_gid = 0;
  bool has_admin = !cfg_.server.admin_group.empty();
  if (has_admin) {
    group* g = getgrnam(cfg_.server.admin_group.c_str());
    if (g == nullptr) return fail("no such group: " + cfg_.server.admin_group);
    admin_gid = g->gr_gid;
  }
  auto control = ControlServer::open(cfg_.server.runtime_dir + "/control.sock", admin_gid,
                                     has_admin, loop_, *this);
  if (!control) return fail(control.error());
  control_ = std::move(*control);
  return {};
}

Result<void> Gateway::startAuthd() {
  auto pair = ipc::makeChannelPair();
  if (!pair) return fail(pair.error());
  std::vector<std::string> args = {"--cert",
                                   cfg_.server.cert,
                                   "--key",
                                   cfg_.server.key,
                                   "--users",
                                   cfg_.server.users_file,
                                   "--cookie-grace",
                                   std::to_string(cfg_.timeouts.cookie),
                                   "--session-lifetime",
                                   std::to_string(cfg_.timeouts.session),
                                   "--max-per-user",
                                   std::to_string(cfg_.server.max_sessions_per_user),
                                   "--totp",
                                   cfg_.auth.totp_file,
                                   "--max-failures",
                                   std::to_string(cfg_.auth.max_failures),
                                   "--backoff",
                                   std::to_string(cfg_.auth.backoff),
                                   "--backoff-max",
                                   std::to_string(cfg_.auth.backoff_max)};
  if (cfg_.auth.mfa_required) args.push_back("--mfa-required");
  if (debug_) args.push_back("--debug");
  auto pid = privsep::spawnProcess(exe_dir_ + "/bulwark-authd", args, {{pair->second.get(), 3}});
  if (!pid) return fail(pid.error());
  authd_pid_ = *pid;
  // main traces authd (without stopping it): a process has one tracer, so
  // nobody else - not even root with gdb/gcore - can attach to the process
  // that holds the key, hashes and seeds. If main dies, authd dies with it.
  if (::ptrace(PTRACE_SEIZE, authd_pid_, nullptr, reinterpret_cast<void*>(PTRACE_O_EXITKILL)) != 0)
    spdlog::warn("cannot trace authd ({}): others could attach to it", std::strerror(errno));
  authd_ = ipc::Channel(std::move(pair->first), ipc::kMainAuthdCap);
  authd_link_ = std::make_unique<AuthdLink>(authd_, loop_, [this] { onAuthdReadable(); });
  return {};
}

Result<void> Gateway::openListener() {
  auto addr = listenAddress(cfg_.server.listen, cfg_.server.port);
  if (!addr) return fail(addr.error());
  listener_.reset(::socket(addr->storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int one = 1;
  setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(listener_.get(), addr->address(), addr->length) != 0)
    return fail("bind " + cfg_.server.listen + ":" + std::to_string(cfg_.server.port) + ": " +
                std::strerror(errno));
  if (::listen(listener_.get(), 512) != 0)
    return fail(std::string("listen: ") + std::strerror(errno));
  loop_.add(listener_.get(), EPOLLIN, [this](std::uint32_t) { onAccept(); });
  return cfg_.server.dtls ? openUdpListener() : Result<void>{};
}

Result<void> Gateway::openUdpListener() {
  auto addr = listenAddress(cfg_.server.listen, cfg_.server.port);
  if (!addr) return fail(addr.error());
  auto sock = boundUdpSocket(*addr);
  if (!sock) return fail(sock.error());
  udp_ = std::move(*sock);
  loop_.add(udp_.get(), EPOLLIN, [this](std::uint32_t) { onDatagram(); });
  return {};
}

void Gateway::run() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal_fd_.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  loop_.add(signal_fd_.get(), EPOLLIN, [this](std::uint32_t) { onSignal(); });
  spdlog::info("listening on {}:{}, pool {}/{}, gateway {}", cfg_.server.listen, cfg_.server.port,
               pool::formatIpv4(cfg_.network.pool_network), cfg_.network.pool_prefix,
               pool::formatIpv4(pool_.gateway()));
  audit_.record("gateway.start",
                {{"pid", std::to_string(::getpid())},
                 {"config", config_path_},
                 {"mitigation_version", std::to_string(policy_.active().version)}});
  while (running_) {
    // The only timers here: the audit trail's (a pending fdatasync, the
    // syslog shipper) and a zygote restart after a zygote died; without them
    // main sleeps until something happens (an idle gateway costs no CPU).
    loop_.runOnce(soonest(audit_.msUntilTick(), launcher_->msUntilTick(Clock::now())));
    tuns_.removePending();  // the devices of every tunnel that ended in this turn, at once
    audit_.tick();
    launcher_->tick(Clock::now());
  }
  audit_.record("gateway.stop", {{"tunnels", std::to_string(sessions_.size())}});
  for (auto& [_, w] : workers_)
    if (w->pid > 0) ::kill(w->pid, SIGTERM);
  launcher_->stop();
  authd_link_.reset();
  authd_.close();
  ::kill(authd_pid_, SIGTERM);
  spdlog::info("stopped");
}

// ---- accepting and spawning ----

// Out of descriptors: the listener stays readable, and a level-triggered loop
// would spin on it. Give up the spare descriptor kept for this, accept the
// waiting connection and close it at once, then take the spare back.
void Gateway::shedConnection() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_fd_warning_ > std::chrono::seconds(10)) {
    spdlog::error("out of file descriptors: refusing new connections (raise RLIMIT_NOFILE)");
    last_fd_warning_ = now;
  }
  spare_fd_.reset();
  UniqueFd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

void Gateway::onAccept() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    UniqueFd c(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC));
    if (!c && (errno == EMFILE || errno == ENFILE)) return shedConnection();
    if (!c) return;
    std::string peer = formatPeer(ss);
    if (cfg_.server.max_clients > 0 && workers_.size() >= cfg_.server.max_clients) {
      spdlog::warn("refused {}: max_clients ({}) reached", peer, cfg_.server.max_clients);
      continue;
    }
    PathInfo path = pathInfoOf(c.get(), isIpv6(ss));
    if (auto r = spawnWorker(std::move(c), peer, path); !r) {
      // At most one line per 10 s, with a count: a flood must not fill the log.
      ++unserved_;
      auto now = std::chrono::steady_clock::now();
      if (now - last_unserved_log_ >= std::chrono::seconds(10)) {
        spdlog::error("cannot serve {}: {} ({} connection(s) refused so far)", peer,
                      r.error().message, unserved_);
        last_unserved_log_ = now;
      }
    }
  }
}

Result<void> Gateway::spawnWorker(UniqueFd client, const std::string& peer, const PathInfo& path) {
  auto to_main = ipc::makeChannelPair();
  auto to_authd = ipc::makeChannelPair();
  if (!to_main || !to_authd) return fail("socketpair failed");
  ipc::Channel channel(std::move(to_main->first), ipc::kMainWorkerCap);
  // The worker's first frame tells main its pid, as the kernel sees it.
  if (auto r = channel.passCredentials(); !r) return fail(r.error());
  auto pid = launcher_->launch(client.get(), to_main->second.get(), to_authd->second.get(), peer);
  if (!pid) return fail(pid.error());
  std::uint64_t id = next_worker_id_++;
  auto w = std::make_unique<WorkerRecord>();
  w->id = id;
  w->pid = *pid;
  w->peer = peer;
  w->peer_ip = hostOf(peer);
  w->path = path;
  w->channel = std::move(channel);
  w->token =
      loop_.add(w->channel.fd(), EPOLLIN, [this, id](std::uint32_t) { onWorkerReadable(id); });
  authd_link_->post(ipc::encodeFrame(ipc::WorkerAttach{id, peer}), std::move(to_authd->first));
  sendToWorker(*w, ipc::encodeFrame(workerInit()));
  if (w->pid > 0) worker_by_pid_[w->pid] = id;
  workers_[id] = std::move(w);
  spdlog::debug("worker {} pid {} serves {}", id, *pid, peer);
  return {};
}

ipc::WorkerInit Gateway::workerInit() const {
  ipc::WorkerInit m;
  m.cert_chain_pem = cert_chain_pem_;
  m.dpd_seconds = cfg_.timeouts.dpd;
  m.keepalive_seconds = cfg_.timeouts.keepalive;
  m.idle_timeout_seconds = cfg_.timeouts.idle;
  m.session_timeout_seconds = cfg_.timeouts.session;
  m.auth_timeout_seconds = cfg_.timeouts.auth;
  m.netmask = cfg_.network.netmask();
  m.dns = cfg_.network.dns;
  m.default_domain = cfg_.network.default_domain;
  m.split_include = cfg_.network.split_include;
  m.dtls_port = dtlsOffered() ? cfg_.server.port : 0;
  m.blocked_paths = policy_.active().blocked_paths;
  m.rx_coalesce_us = cfg_.network.rx_coalesce_us;
  m.ack_thinning = cfg_.network.ack_thinning;
  m.dtls_inflight_kib = cfg_.network.dtls_inflight_kib;
  return m;
}

WorkerRecord* Gateway::findWorker(std::uint64_t id) {
  auto it = workers_.find(id);
  return it == workers_.end() ? nullptr : it->second.get();
}

// ---- DTLS flow routing: the session id of a ClientHello, nothing else ----

void Gateway::onDatagram() {
  constexpr int kBatch = 16;
  for (int i = 0; i < kBatch; ++i) {
    std::byte buf[ipc::kMaxDatagram];
    sockaddr_storage from{};
    socklen_t len = sizeof(from);
    ssize_t n = ::recvfrom(udp_.get(), buf, sizeof(buf), MSG_TRUNC,
                           reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    if (static_cast<std::size_t>(n) > sizeof(buf)) continue;
    auto id = anyconnect::clientHelloSessionId(std::span(buf, static_cast<std::size_t>(n)));
    if (!id || id->size() != anyconnect::kAppIdBytes) continue;
    auto it =
        worker_by_app_id_.find(std::string(reinterpret_cast<const char*>(id->data()), id->size()));
    if (it == worker_by_app_id_.end()) continue;
    WorkerRecord* w = findWorker(it->second);
    std::string peer = formatPeer(from);
    // Only the tunnel's own client address may open its DTLS flow.
    if (w == nullptr || w->state != WorkerState::kTunnel || hostOf(peer) != w->peer_ip) {
      spdlog::warn("DTLS hello from {} with a session id that is not its own; ignored", peer);
      continue;
    }
    handOverFlow(*w, from, len, std::string(reinterpret_cast<const char*>(buf), n));
  }
}

void Gateway::handOverFlow(WorkerRecord& w, const sockaddr_storage& from, socklen_t len,
                           std::string datagram) {
  auto local = listenAddress(cfg_.server.listen, cfg_.server.port);
  if (!local) return;
  auto sock = boundUdpSocket(*local);
  if (!sock || ::connect(sock->get(), reinterpret_cast<const sockaddr*>(&from), len) != 0) {
    spdlog::error("DTLS flow for worker {}: {}", w.id,
                  sock ? std::strerror(errno) : sock.error().message);
    return;
  }
  sendToWorker(w, ipc::encodeFrame(ipc::DtlsFlow{std::move(datagram)}), sock->get(),
               /*droppable=*/true);
}

// ---- worker channel ----

void Gateway::onWorkerReadable(std::uint64_t worker_id) {
  WorkerRecord* w = findWorker(worker_id);
  if (w == nullptr) return;
  auto frame = w->channel.receive();
  if (!frame) {
    // EOF: the worker is exiting; SIGCHLD does the bookkeeping.
    loop_.remove(w->token);
    w->token = 0;
    // A forked worker that never announced itself cannot be reaped by pid:
    // it never started (the fork failed, the zygote died) or died before its
    // first frame, so this EOF is its end. An exec'd one is reaped as usual.
    if (!w->started && w->pid <= 0) return workerExited(*w, 0);
    if (frame.error().message != ipc::kPeerClosed) killWorker(*w, frame.error().message);
    return;
  }
  if (!w->started) return workerStarted(*w, *frame);
  bool tunnel = w->state == WorkerState::kTunnel || w->state == WorkerState::kClosing;
  if (frame->fd || !tunnel) return killWorker(*w, "message out of order");
  switch (static_cast<ipc::MainWorkerType>(frame->type)) {
    case ipc::MainWorkerType::kStats: {
      auto m = ipc::decodeFrame<ipc::Stats>(*frame);
      if (!m) return killWorker(*w, m.error().message);
      w->stats = *m;
      return;
    }
    case ipc::MainWorkerType::kTunnelClosed: {
      auto m = ipc::decodeFrame<ipc::TunnelClosed>(*frame);
      if (!m) return killWorker(*w, m.error().message);
      w->stats = m->final_stats;
      w->state = WorkerState::kClosing;
      return;
    }
    default:
      return killWorker(*w, "unexpected message type " + std::to_string(frame->type));
  }
}

void Gateway::workerStarted(WorkerRecord& w, const ipc::Frame& frame) {
  // The kernel put the sender's pid on the frame, so it is the worker's
  // whatever the frame says.
  if (w.pid <= 0 && frame.sender_pid > 0) {
    w.pid = frame.sender_pid;
    worker_by_pid_[w.pid] = w.id;
  }
  w.started = true;
  if (frame.type != static_cast<std::uint16_t>(ipc::MainWorkerType::kWorkerStarted) || frame.fd ||
      frame.sender_pid != w.pid)
    return killWorker(w, "bad first message");
  if (w.kill_pending) ::kill(w.pid, SIGKILL);
}

// A worker main has not heard from yet may already have been reaped: read
// the WorkerStarted frames waiting on those channels, so that reaped pids
// can be matched to their workers.
void Gateway::collectWorkerStarts() {
  std::vector<std::uint64_t> waiting;
  for (const auto& [id, w] : workers_)
    if (!w->started && w->token != 0) waiting.push_back(id);
  for (std::uint64_t id : waiting) {
    WorkerRecord* w = findWorker(id);
    if (w == nullptr) continue;
    pollfd p{w->channel.fd(), POLLIN, 0};
    if (::poll(&p, 1, 0) == 1) onWorkerReadable(id);
  }
}

void Gateway::killWorker(WorkerRecord& w, const std::string& why) {
  spdlog::warn("killing worker {} ({}): {}", w.id, w.peer, why);
  audit_.record("worker.killed",
                {{"worker", std::to_string(w.id)}, {"peer", w.peer}, {"reason", why}});
  signalWorker(w, SIGKILL);
}

// Never kill(0 or -1, ...): before a forked worker has announced itself its
// pid is unknown, and the signal is sent when it does.
void Gateway::signalWorker(WorkerRecord& w, int sig) {
  if (w.pid > 0) {
    ::kill(w.pid, sig);
  } else {
    w.kill_pending = true;
  }
}

void Gateway::terminateWorker(WorkerRecord& w, const std::string& reason) {
  w.state = WorkerState::kClosing;
  if (!w.channel.valid() || !sendToWorker(w, ipc::encodeFrame(ipc::Terminate{reason})))
    signalWorker(w, SIGKILL);
}

// main never blocks on a worker: one that does not read its channel (stuck
// or compromised) would otherwise stall every other session. A full channel
// drops a droppable frame (a forwarded DTLS hello: the client retries) and
// otherwise kills the worker.
bool Gateway::sendToWorker(WorkerRecord& w, const ipc::Frame& f, int pass_fd, bool droppable) {
  auto sent = w.channel.trySend(f, pass_fd);
  if (!sent) return false;  // gone: reaped soon
  if (*sent) return true;
  if (droppable) {
    spdlog::warn("worker {} ({}) is not reading its channel; frame dropped", w.id, w.peer);
    return false;
  }
  killWorker(w, "not reading its channel");
  return false;
}

// ---- authd channel ----

void Gateway::onAuthdReadable() {
  auto frame = authd_.receive();
  if (!frame) {
    spdlog::critical("authd channel failed: {}; stopping", frame.error().message);
    running_ = false;
    return;
  }
  switch (static_cast<ipc::MainAuthdType>(frame->type)) {
    case ipc::MainAuthdType::kSessionGrant:
      if (auto m = ipc::decodeFrame<ipc::SessionGrant>(*frame)) return grantTunnel(*m);
      break;
    case ipc::MainAuthdType::kSessionEnded:
      if (auto m = ipc::decodeFrame<ipc::SessionEnded>(*frame)) return endSession(m->session_id);
      break;
    case ipc::MainAuthdType::kKillWorker:
      if (auto m = ipc::decodeFrame<ipc::KillWorker>(*frame)) {
        if (WorkerRecord* w = findWorker(m->worker_id)) killWorker(*w, "authd protocol violation");
        return;
      }
      break;
    case ipc::MainAuthdType::kBanUpdate:
      if (auto m = ipc::decodeFrame<ipc::BanUpdate>(*frame)) {
        bans_.update(m->key, m->failures, std::chrono::seconds(m->seconds_remaining),
                     std::chrono::steady_clock::now());
        return;
      }
      break;
    case ipc::MainAuthdType::kAuditEvent:
      if (auto m = ipc::decodeFrame<ipc::AuditEvent>(*frame)) return recordAudit(*m);
      break;
    default:
      break;
  }
  spdlog::critical("malformed message {} from authd", frame->type);
  std::abort();
}

void Gateway::grantTunnel(const ipc::SessionGrant& g) {
  WorkerRecord* w = findWorker(g.worker_id);
  if (w == nullptr || w->state != WorkerState::kServing) return;
  w->session_id = g.session_id;
  w->wants_dtls = g.wants_dtls;
  SessionRecord& s = sessions_[g.session_id];
  if (s.id == 0) s = SessionRecord{g.session_id, g.username, 0, std::time(nullptr), std::nullopt};
  if (s.worker_id && findWorker(*s.worker_id) != nullptr) {
    // anyconnect.md 6.5: a reconnect supersedes the old connection. Its TUN
    // must be gone before the same address is configured again.
    WorkerRecord* old = findWorker(*s.worker_id);
    spdlog::info("session {} reconnected from {}; ending its old tunnel", g.session_id, w->peer);
    signalWorker(*old, SIGKILL);
    w->state = WorkerState::kAwaitingOldTunnel;
    return;
  }
  openTunnel(*w);
}

void Gateway::openTunnel(WorkerRecord& w) {
  SessionRecord& s = sessions_[*w.session_id];
  auto addr = pool_.lease(s.id, s.username);
  if (!addr) return refuseTunnel(w, addr.error().message);
  s.address = *addr;
  // DTLS only for a client that offered it (openconnect --no-dtls does not):
  // the other gets the larger TLS-only MTU and no App-ID.
  const bool dtls = dtlsOffered() && w.wants_dtls;
  TunnelMtu mtu = tunnelMtu(cfg_.network.mtu, w.path, dtls);
  auto dev = tuns_.acquire({pool_.gateway(), *addr, mtu.tunnel});
  if (!dev) return refuseTunnel(w, dev.error().message);
  w.tun_name = dev->name;
  s.worker_id = w.id;
  w.state = WorkerState::kTunnel;
  w.username = s.username;
  std::string app_id;
  if (dtls) {
    // anyconnect.md 5.4: a fresh App-ID on every CONNECT.
    w.dtls_app_id.assign(anyconnect::kAppIdBytes, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(w.dtls_app_id.data()), anyconnect::kAppIdBytes);
    worker_by_app_id_[w.dtls_app_id] = w.id;
    app_id = toHex(w.dtls_app_id);
  }
  sendToWorker(w,
               ipc::encodeFrame(
                   ipc::TunnelReady{s.id, pool::formatIpv4(*addr), app_id, mtu.tunnel, mtu.link}),
               dev->fd.get());
  spdlog::info("tunnel up user={} session={} address={} dev={} mtu={} peer={}", s.username, s.id,
               pool::formatIpv4(*addr), dev->name, mtu.tunnel, w.peer);
  audit_.record("tunnel.start", {{"user", s.username},
                                 {"session", std::to_string(s.id)},
                                 {"address", pool::formatIpv4(*addr)},
                                 {"peer", w.peer},
                                 {"dtls", app_id.empty() ? "no" : "offered"}});
}

void Gateway::refuseTunnel(WorkerRecord& w, const std::string& reason) {
  spdlog::error("no tunnel for worker {} ({}): {}", w.id, w.peer, reason);
  w.state = WorkerState::kClosing;
  sendToWorker(w, ipc::encodeFrame(ipc::TunnelRefused{reason}));
}

void Gateway::endSession(std::uint64_t session_id) {
  pool_.release(session_id);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  audit_.record("session.end",
                {{"user", it->second.username}, {"session", std::to_string(session_id)}});
  if (it->second.worker_id)
    if (WorkerRecord* w = findWorker(*it->second.worker_id)) terminateWorker(*w, "session ended");
  sessions_.erase(it);
}

// ---- signals and children ----

void Gateway::onSignal() {
  signalfd_siginfo si{};
  while (::read(signal_fd_.get(), &si, sizeof(si)) == sizeof(si)) {
    switch (si.ssi_signo) {
      case SIGCHLD:
        reapChildren();
        break;
      case SIGHUP:
        if (auto r = reloadConfig("SIGHUP"); r) spdlog::info("SIGHUP: configuration reloaded");
        break;
      default:
        spdlog::info("signal {}: shutting down", si.ssi_signo);
        running_ = false;
    }
  }
}

void Gateway::reapChildren() {
  int status = 0;
  pid_t pid;
  rusage usage{};
  while ((pid = ::wait4(-1, &status, WNOHANG, &usage)) > 0) {
    if (pid == authd_pid_ && WIFSTOPPED(status)) {
      // A stop of the authd we trace: let it go on, with its signal if any.
      int sig = (status >> 16) == PTRACE_EVENT_STOP ? 0 : WSTOPSIG(status);
      ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
      continue;
    }
    if (pid == authd_pid_) {
      spdlog::critical("authd exited (status {}); stopping", status);
      running_ = false;
      continue;
    }
    if (launcher_->zygoteExited(pid, status)) continue;
    auto it = worker_by_pid_.find(pid);
    if (it == worker_by_pid_.end()) {
      collectWorkerStarts();
      it = worker_by_pid_.find(pid);
    }
    if (it == worker_by_pid_.end()) continue;
    if (WorkerRecord* w = findWorker(it->second)) {
      spdlog::debug("worker {} ({}) used {} us of CPU and {} page faults", w->id, w->peer,
                    (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 +
                        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec,
                    usage.ru_minflt + usage.ru_majflt);
      workerExited(*w, status);
    }
    worker_by_pid_.erase(it);
  }
}

void Gateway::workerExited(WorkerRecord& w, int status) {
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
    spdlog::error("worker {} ({}) killed by its seccomp policy (forbidden syscall)", w.id, w.peer);
    audit_.record("worker.sandbox_kill", {{"worker", std::to_string(w.id)}, {"peer", w.peer}});
  } else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL && WTERMSIG(status) != SIGTERM) {
    spdlog::error("worker {} ({}) died from signal {}", w.id, w.peer, WTERMSIG(status));
    audit_.record("worker.crash", {{"worker", std::to_string(w.id)},
                                   {"peer", w.peer},
                                   {"signal", std::to_string(WTERMSIG(status))}});
  }
  // Someone may be probing the shared address-space layout of forked workers.
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL && WTERMSIG(status) != SIGTERM)
    launcher_->renew("a worker died of signal " + std::to_string(WTERMSIG(status)));
  if (w.session_id && !w.username.empty()) {
    audit_.record("tunnel.end", {{"user", w.username},
                                 {"session", std::to_string(*w.session_id)},
                                 {"peer", w.peer},
                                 {"bytes_in", std::to_string(w.stats.bytes_in)},
                                 {"bytes_out", std::to_string(w.stats.bytes_out)},
                                 {"dtls_bytes_in", std::to_string(w.stats.dtls_bytes_in)},
                                 {"dtls_bytes_out", std::to_string(w.stats.dtls_bytes_out)}});
  }
  if (w.token != 0) loop_.remove(w.token);
  // The worker's fd to it is closed (the process is reaped), so the device
  // can be detached, taken down and reused.
  if (!w.tun_name.empty()) tuns_.release(w.tun_name);
  authd_link_->post(ipc::encodeFrame(ipc::WorkerGone{w.id}));
  if (!w.dtls_app_id.empty()) worker_by_app_id_.erase(w.dtls_app_id);
  std::optional<std::uint64_t> session = w.session_id;
  std::uint64_t id = w.id;
  workers_.erase(id);  // w is gone from here on
  if (!session) return;
  auto s = sessions_.find(*session);
  if (s == sessions_.end() || s->second.worker_id != id) return;
  s->second.worker_id.reset();
  // A reconnect waiting for this tunnel to disappear can go ahead now.
  for (auto& [_, other] : workers_)
    if (other->state == WorkerState::kAwaitingOldTunnel && other->session_id == session)
      return openTunnel(*other);
}

// ---- control socket ----

nlohmann::json Gateway::listSessions() {
  auto list = nlohmann::json::array();
  for (const auto& [id, s] : sessions_) {
    if (!s.worker_id) continue;
    const WorkerRecord* w = findWorker(*s.worker_id);
    if (w == nullptr) continue;
    list.push_back({{"id", id},
                    {"user", s.username},
                    {"tunnel_ip", pool::formatIpv4(s.address)},
                    {"remote", w->peer},
                    {"since", isoTime(s.since)},
                    {"bytes_in", w->stats.bytes_in},
                    {"bytes_out", w->stats.bytes_out},
                    {"dtls_bytes_in", w->stats.dtls_bytes_in},
                    {"dtls_bytes_out", w->stats.dtls_bytes_out}});
  }
  return list;
}

Result<unsigned> Gateway::disconnectSession(std::uint64_t session_id) {
  if (!sessions_.contains(session_id)) return fail("no session " + std::to_string(session_id));
  audit_.record("admin.disconnect", {{"session", std::to_string(session_id)},
                                     {"user", sessions_[session_id].username}});
  authd_link_->post(ipc::encodeFrame(ipc::RevokeSession{session_id}));
  endSession(session_id);
  return 1u;
}

Result<unsigned> Gateway::disconnectUser(const std::string& username) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, s] : sessions_)
    if (s.username == username) ids.push_back(id);
  audit_.record("admin.disconnect", {{"user", username}, {"sessions", std::to_string(ids.size())}});
  authd_link_->post(ipc::encodeFrame(ipc::RevokeUser{username}));
  for (auto id : ids) endSession(id);
  return static_cast<unsigned>(ids.size());
}

nlohmann::json Gateway::listBans() { return bans_.toJson(std::chrono::steady_clock::now()); }

Result<unsigned> Gateway::clearBan(const std::string& key) {
  if (!authd_link_->post(ipc::encodeFrame(ipc::ClearBan{key}))) return fail("authd unreachable");
  audit_.record("admin.unban", {{"key", key}});
  return bans_.remove(key);
}

void Gateway::recordAudit(const ipc::AuditEvent& e) {
  auditlog::Fields f;
  if (!e.user.empty()) f.emplace_back("user", e.user);
  if (!e.peer.empty()) f.emplace_back("peer", e.peer);
  if (!e.detail.empty()) f.emplace_back("detail", e.detail);
  audit_.record(e.event, std::move(f));
}

Result<void> Gateway::noteAdminAction(const std::string& event, const std::string& user,
                                      uid_t uid) {
  static const char* kAllowed[] = {"user.add",         "user.passwd", "user.lock",
                                   "user.unlock",      "user.del",    "user.totp_enable",
                                   "user.totp_disable"};
  if (std::find(std::begin(kAllowed), std::end(kAllowed), event) == std::end(kAllowed))
    return fail("not an admin action: " + event);
  audit_.record("admin." + event, {{"user", user}, {"by_uid", std::to_string(uid)}});
  return {};
}

// ---- mitigation policy ----

bool Gateway::dtlsOffered() const { return cfg_.server.dtls && !policy_.active().disable_dtls; }

Result<void> Gateway::loadMitigationPolicy() {
  if (::mkdir(cfg_.server.state_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return fail("cannot create state_dir " + cfg_.server.state_dir + ": " + std::strerror(errno));
  if (auto r = policy_.load(); !r)
    return fail(r.error().message + " (remove the file or apply a newer signed policy)");
  if (policy_.active().version > 0)
    spdlog::warn("mitigation policy version {} in force: {}", policy_.active().version,
                 policy_.active().reason);
  return {};
}

void Gateway::sendPolicyToAuthd() {
  const auto& p = policy_.active();
  authd_link_->post(ipc::encodeFrame(
      ipc::PolicyUpdate{p.disable_new_logins, p.disable_password_only, p.disable_totp}));
}

Result<nlohmann::json> Gateway::applyMitigation(const std::string& signed_policy) {
  auto applied = policy_.apply(signed_policy);
  if (!applied) {
    spdlog::warn("mitigation policy refused: {}", applied.error().message);
    recordAudit({"mitigation.refused", "", "", applied.error().message});
    return fail(applied.error());
  }
  sendPolicyToAuthd();
  spdlog::warn("mitigation policy version {} applied: {}", applied->version, applied->reason);
  recordAudit({"mitigation.apply", "", "",
               "version " + std::to_string(applied->version) + ": " + applied->reason});
  return mitigationJson();
}

nlohmann::json Gateway::mitigationJson() const {
  const auto& p = policy_.active();
  return {{"version", p.version},
          {"reason", p.reason},
          {"disable_new_logins", p.disable_new_logins},
          {"disable_dtls", p.disable_dtls},
          {"disable_password_only", p.disable_password_only},
          {"disable_totp", p.disable_totp},
          {"blocked_paths", p.blocked_paths}};
}

// ---- configuration reload ----

Result<nlohmann::json> Gateway::reloadConfig(const std::string& by) {
  auto next = config::loadConfig(config_path_);
  if (!next) return refuseReload(by, next.error().message);
  auto diff = config::diffConfig(cfg_, *next);
  if (!diff.restart_only.empty()) {
    std::string keys;
    for (const auto& k : diff.restart_only) keys += (keys.empty() ? "" : ", ") + k;
    return refuseReload(by, keys + " changed; that needs a restart (nothing was applied)");
  }
  // Sessions, tunnels, bans and the mitigation policy live apart from the
  // config and are untouched; new values apply to new logins and tunnels.
  cfg_ = std::move(*next);
  ++config_generation_;
  config_loaded_at_ = ::time(nullptr);
  sendAuthSettings();
  launcher_->renew("configuration reloaded");  // e.g. after an upgrade of bulwark-worker
  std::string changed;
  for (const auto& k : diff.live) changed += (changed.empty() ? "" : ",") + k;
  audit_.record("config.reload", {{"by", by},
                                  {"outcome", "applied"},
                                  {"changed", changed},
                                  {"generation", std::to_string(config_generation_)}});
  return nlohmann::json{{"changed", diff.live}, {"generation", config_generation_}};
}

Result<nlohmann::json> Gateway::refuseReload(const std::string& by, const std::string& why) {
  spdlog::error("configuration reload refused, the running configuration stays: {}", why);
  audit_.record("config.reload", {{"by", by}, {"outcome", "refused"}, {"reason", why}});
  return fail("reload refused, the running configuration stays: " + why);
}

void Gateway::sendAuthSettings() {
  const auto& t = cfg_.timeouts;
  const auto& a = cfg_.auth;
  authd_link_->post(ipc::encodeFrame(
      ipc::AuthSettings{t.cookie, t.session, cfg_.server.max_sessions_per_user, a.mfa_required,
                        a.max_failures, a.backoff, a.backoff_max}));
}

nlohmann::json Gateway::status() {
  unsigned tunnels = 0;
  for (const auto& [_, s] : sessions_)
    if (s.worker_id) ++tunnels;
  return {{"connections", workers_.size()},
          {"tunnels", tunnels},
          {"config",
           {{"file", config_path_},
            {"generation", config_generation_},
            {"loaded_at", config_loaded_at_}}},
          {"mitigation", mitigationJson()},
          {"audit", audit_.status()},
          {"workers", launcher_->status()},
          {"tun_devices", tunJson()}};
}

nlohmann::json Gateway::tunJson() const {
  auto st = tuns_.stats();
  return {{"in_use", st.in_use},           {"idle", st.idle},
          {"created", st.created},         {"reused", st.reused},
          {"kept_config", st.kept_config}, {"removed", st.removed}};
}

}  // namespace bulwark::mainproc
