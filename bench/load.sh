#!/usr/bin/env bash
# Many concurrent tunnels against one bulwarkd: memory and CPU per session.
#
#   sudo bench/load.sh [--quick] [SESSIONS...]      (default: 1000)
#
# As root on Debian 12; installs what it needs (scripts/install-deps.sh bench)
# and builds build/ unless BULWARK_BIN_DIR names a build.
# Creates two network namespaces joined by a veth pair (deleted on exit, also
# on failure or Ctrl-C), a throw-away certificate and user, and a bulwarkd
# configuration with every limit lifted (max_clients = 0, max_sessions_per_user
# = 0, a /16 pool). For each N a fresh bulwarkd is started in the server
# namespace and bench/loadgen/loadgen.py opens N CSTP tunnels from the client
# namespace (CSTP over TLS plus a DTLS channel each, legacy mode, as
# loadgen/dtls_legacy.py explains; DTLS=0 for TLS only; no data traffic; a
# keepalive every $KEEPALIVE s per tunnel on each channel). While the N
# tunnels are held it measures:
#   * PSS of bulwarkd + bulwark-authd + every bulwark-worker (smaps_rollup),
#     and per session: (total - total with 0 sessions) / sessions up
#   * server CPU (the whole tree: live processes from schedstat's nanoseconds,
#     exited children via bulwarkd's cutime/cstime) during ramp-up, per
#     session set up
#   * server CPU over a $IDLE_SECONDS s hold with only keepalives
#   * MemAvailable before and during the hold
#   * teardown: from every client leaving at once until bulwarkd, stopped
#     after them, has exited
# Prints a table; JSON goes to /tmp/bulwark-load/.
#
# --quick: 50 sessions, short hold (smoke test).
# Environment: DTLS (1 = a DTLS channel per tunnel, the default; 0 = TLS only),
# RAMP (sessions/s started, default 100), CONCURRENCY (logins in
# flight, default 64), KEEPALIVE (s, default 5), IDLE_SECONDS (default 10),
# SOURCE_IPS (client addresses to spread over, default 4), BULWARK_BIN_DIR,
# KEEP_WORK=1 (keep the temp dir with logs), OUT_DIR (default /tmp/bulwark-load),
# MIN_AVAIL_MIB (default 3072: ramp-up stops early if MemAvailable falls below),
# MAX_RAMP_SECONDS (unset: stop starting sessions after this long; the tunnels
# that are up are then measured as usual, the rest count as not_started_stop_ramp),
# LOADGEN_PROCESSES (client processes to split the tunnels over; default: as
# few as the descriptor limit allows, e.g. 2 for 10,000 DTLS tunnels when the
# hard RLIMIT_NOFILE is 20,000; loadgen/shards.py).
# No traffic leaves the namespaces.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
"$SRC/scripts/install-deps.sh" bench
if [[ -z ${BULWARK_BIN_DIR:-} ]]; then
  "$SRC/scripts/build.sh" >/dev/null || { echo "$0: build failed: run scripts/build.sh" >&2; exit 1; }
fi
BIN=${BULWARK_BIN_DIR:-$SRC/build}
LOADGEN=$HERE/loadgen/loadgen.py
MEASURE=$HERE/loadgen/measure.py
OUT_DIR=${OUT_DIR:-/tmp/bulwark-load}
RAMP=${RAMP:-100}
CONCURRENCY=${CONCURRENCY:-64}
KEEPALIVE=${KEEPALIVE:-5}
IDLE_SECONDS=${IDLE_SECONDS:-10}
NSRC=${SOURCE_IPS:-4}
MIN_AVAIL_MIB=${MIN_AVAIL_MIB:-3072}
MAX_RAMP_SECONDS=${MAX_RAMP_SECONDS:-}
DTLS=${DTLS:-1}
DTLS_ARGS=()
[[ $DTLS == 1 ]] && DTLS_ARGS=(--dtls)
PROC_ARGS=()
[[ -n ${LOADGEN_PROCESSES:-} ]] && PROC_ARGS=(--processes "$LOADGEN_PROCESSES")

QUICK=0
SIZES=()
for a in "$@"; do
  case $a in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    ''|*[!0-9]*) echo "usage: $0 [--quick] [SESSIONS...]" >&2; exit 2 ;;
    *) SIZES+=("$a") ;;
  esac
done
if ((QUICK)); then
  ((${#SIZES[@]})) || SIZES=(50)
  IDLE_SECONDS=${IDLE_SECONDS_QUICK:-3}
fi
((${#SIZES[@]})) || SIZES=(1000)

[[ $(id -u) -eq 0 ]] || { echo "$0: needs root (network namespaces)" >&2; exit 1; }
for b in bulwarkd bulwark-authd bulwark-worker bulwarkctl; do
  [[ -x $BIN/$b ]] || { echo "$0: $BIN/$b missing; build first (scripts/build.sh) or set BULWARK_BIN_DIR" >&2; exit 1; }
done
for c in ip openssl python3; do
  command -v "$c" >/dev/null || { echo "$0: $c not found" >&2; exit 1; }
done

TAG=$$
NS_S=blds$TAG
NS_C=bldc$TAG
SERVER_IP=10.202.0.1
CLIENT_NET=10.202.0
POOL=10.100.0.0/16
WORK=$(mktemp -d /tmp/bulwark-load-work.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$OUT_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
SERVER_PID=""
LOADGEN_PID=""

log() { echo "[load] $*" >&2; }

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  [[ -n $LOADGEN_PID ]] && kill -TERM "$LOADGEN_PID" 2>/dev/null
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null
  for ns in "$NS_C" "$NS_S"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  done
  [[ -n $SERVER_PID ]] && wait "$SERVER_PID" 2>/dev/null
  [[ -n $LOADGEN_PID ]] && wait "$LOADGEN_PID" 2>/dev/null
  for ns in "$NS_C" "$NS_S"; do ip netns del "$ns" 2>/dev/null; done
  if [[ ${KEEP_WORK:-0} == 1 || $rc -ne 0 ]]; then
    log "kept $WORK (server logs, configs)"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_until() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(date +%s%N) < deadline)) || return 1
    sleep 0.2
  done
}

# ---- namespaces ----
ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add "vs$TAG" type veth peer name "vc$TAG"
ip link set "vs$TAG" netns "$NS_S"
ip link set "vc$TAG" netns "$NS_C"
ip -n "$NS_S" addr add "$SERVER_IP/24" dev "vs$TAG"
SRC_IPS=()
for i in $(seq 1 "$NSRC"); do
  ip -n "$NS_C" addr add "$CLIENT_NET.$((i + 1))/24" dev "vc$TAG"
  SRC_IPS+=("$CLIENT_NET.$((i + 1))")
done
for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set "vs$TAG" up
ip -n "$NS_C" link set "vc$TAG" up
# Per-namespace: the widest ephemeral port range on the client side, a deep
# accept backlog on the server side (bulwarkd itself asks for 512).
ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
ip netns exec "$NS_S" sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096

# ---- cert, user, config ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$WORK/server-key.pem" -out "$WORK/server-cert.pem" -days 2 \
  -subj /CN=bulwark.load -addext "subjectAltName=IP:$SERVER_IP" 2>/dev/null
CONFIG=$WORK/bulwark.toml
cat >"$CONFIG" <<CONF
[server]
listen = "$SERVER_IP"
port = 443
cert = "$WORK/server-cert.pem"
key = "$WORK/server-key.pem"
users_file = "$WORK/users"
max_clients = 0
max_sessions_per_user = 0
worker_user = "nobody"
runtime_dir = "$WORK/run"
state_dir = "$WORK/state"

[network]
pool = "$POOL"
split_include = ["$POOL"]

[timeouts]
dpd = 90
keepalive = 32400
idle = 0
session = 0
cookie = 300
auth = 120

[auth]
totp_file = "$WORK/totp"
max_failures = 1000

[audit]
file = "$WORK/audit.jsonl"
CONF
: >"$WORK/users"
LOAD_USER=loaduser
LOAD_PASS=load-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$LOAD_PASS" | "$BIN/bulwarkctl" --config "$CONFIG" user add "$LOAD_USER" --password-stdin >/dev/null
"$BIN/bulwarkd" --config "$CONFIG" --check >/dev/null

# ---- limits ----
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
log "RLIMIT_NOFILE $(ulimit -n), pid_max $(cat /proc/sys/kernel/pid_max), threads-max $(cat /proc/sys/kernel/threads-max), MemAvailable $(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo) MiB"

server_listening() { ip netns exec "$NS_S" ss -Hltn "sport = :443" | grep -q LISTEN; }
start_server() {
  # ip netns exec execs bulwarkd, so $! is bulwarkd itself.
  ip netns exec "$NS_S" "$BIN/bulwarkd" --config "$CONFIG" --foreground >"$WORK/server-$1.log" 2>&1 &
  SERVER_PID=$!
  wait_until 15 server_listening || { tail -20 "$WORK/server-$1.log" >&2; log "bulwarkd did not start"; exit 1; }
}
ns_empty() { [[ -z $(ip netns pids "$NS_S") ]]; }
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  # Workers get SIGTERM from bulwarkd; make sure none survives into the next run.
  wait_until 60 ns_empty || ip netns pids "$NS_S" | xargs -r kill -KILL 2>/dev/null || true
  wait_until 30 ns_empty || true
}
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("print("+sys.argv[2]+")")' "$@"; }

RESULTS=()
for N in "${SIZES[@]}"; do
  tag=$N
  base=$OUT_DIR/$STAMP-n$N
  # A glob, not `ls /proc/[0-9]*`: ls fails (and set -e ends the run) when a
  # process exits between the expansion and ls's stat.
  procs=(/proc/[0-9]*)
  pid_room=$(( $(cat /proc/sys/kernel/pid_max) - ${#procs[@]} ))
  ((N + 64 < pid_room)) || log "WARNING: $N workers may not fit under kernel.pid_max (room for ~$pid_room processes)"
  log "=== N=$N: starting bulwarkd"
  start_server "$tag"
  sleep 2
  python3 "$MEASURE" pss "$SERVER_PID" >"$base-baseline.json"
  log "baseline: $(jget "$base-baseline.json" 'd["pss_total_kib"]') KiB PSS, processes $(jget "$base-baseline.json" 'd["processes"]')"

  ready=$WORK/ready-$tag release=$WORK/release-$tag stopramp=$WORK/stopramp-$tag
  rm -f "$ready" "$release" "$stopramp"
  hold_max=$((N / 5 + 600))
  python3 "$MEASURE" cpu "$SERVER_PID" >"$base-cpu0.json"
  ip netns exec "$NS_C" python3 "$LOADGEN" --host "$SERVER_IP" --user "$LOAD_USER" --password "$LOAD_PASS" \
    --sessions "$N" --ramp "$RAMP" --concurrency-limit "$CONCURRENCY" --keepalive "$KEEPALIVE" \
    --hold "$hold_max" --source-ips "$(IFS=,; echo "${SRC_IPS[*]}")" --timeout 120 \
    "${DTLS_ARGS[@]}" "${PROC_ARGS[@]}" --progress 10 --ready-file "$ready" --release-file "$release" --stop-ramp-file "$stopramp" \
    >"$base-loadgen.json" 2> >(tee "$WORK/loadgen-$tag.log" | sed -u 's/^/  /' >&2) &
  LOADGEN_PID=$!
  # Wait for the end of ramp-up. Safety: if the machine runs low on memory,
  # stop starting sessions (the release file) rather than wake the OOM killer.
  ramp_deadline=$(($(date +%s) + N * 2 + 300))
  aborted=""
  ramp_started=$(date +%s)
  until [[ -s $ready ]]; do
    avail=$(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)
    if [[ -z $aborted ]] && ((avail < MIN_AVAIL_MIB)); then
      aborted="MemAvailable ${avail} MiB < ${MIN_AVAIL_MIB} MiB"
      log "stopping ramp-up: $aborted"
      python3 "$MEASURE" pss "$SERVER_PID" >"$base-at-abort.json" || true
      touch "$stopramp"
    fi
    if [[ -z $aborted && -n $MAX_RAMP_SECONDS ]] && (($(date +%s) > ramp_started + MAX_RAMP_SECONDS)); then
      aborted="ramp-up longer than MAX_RAMP_SECONDS=$MAX_RAMP_SECONDS"
      log "stopping ramp-up: $aborted"
      touch "$stopramp"
    fi
    if (($(date +%s) > ramp_deadline)); then log "ramp-up did not finish in time"; exit 1; fi
    kill -0 "$LOADGEN_PID" 2>/dev/null || { log "loadgen exited during ramp-up"; exit 1; }
    sleep 0.5
  done
  python3 "$MEASURE" cpu "$SERVER_PID" >"$base-cpu1.json"
  python3 "$MEASURE" procs "$LOADGEN_PID" >"$base-clientcpu1.json"
  sleep "$IDLE_SECONDS"
  python3 "$MEASURE" cpu "$SERVER_PID" >"$base-cpu2.json"
  python3 "$MEASURE" procs "$LOADGEN_PID" >"$base-clientcpu2.json"
  python3 "$MEASURE" pss "$SERVER_PID" >"$base-hold.json"
  # `bulwarkctl sessions` fails above ~1200 tunnels ("reply too large": the
  # control reply is capped at 256 KiB); `status` only counts.
  "$BIN/bulwarkctl" --config "$CONFIG" status --json >"$base-status.json" 2>&1 || true
  # Teardown: every client leaves at once, then bulwarkd is stopped; timed
  # until it has exited (main removes the tunnels' TUN devices on the way).
  t_release=$(date +%s.%N)
  touch "$release"
  wait "$LOADGEN_PID" || true
  LOADGEN_PID=""
  stop_server
  echo "$t_release $(date +%s.%N)" >"$WORK/teardown"
  cp "$WORK/server-$tag.log" "$base-server.log"
  grep -ciE 'warn|error|critical' "$base-server.log" >"$WORK/errcount" || true

  printf '%s\n' "$aborted" >"$WORK/aborted"
  python3 - "$base" "$N" "$IDLE_SECONDS" "$WORK/errcount" "$WORK/aborted" "$WORK/teardown" >"$base.json" <<'PY'
import json, sys
base, n, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
t_release, t_gone = map(float, open(sys.argv[6]).read().split())
ld = lambda s: json.load(open(f"{base}-{s}.json"))
b, h = ld("baseline"), ld("hold")
c0, c1, c2 = ld("cpu0"), ld("cpu1"), ld("cpu2")
cc1, cc2 = ld("clientcpu1"), ld("clientcpu2")
lines = open(f"{base}-loadgen.json").read().strip().splitlines()
lg = json.loads(lines[-1]) if lines else {}
up = lg.get("sessions_up", 0)
held = h["processes"].get("worker", 0)
try:
    tunnels = int(json.load(open(f"{base}-status.json"))["tunnels"])
except Exception:
    tunnels = held  # bulwarkctl failed: count live workers instead
ramp_cpu = c1["cpu_total_s"] - c0["cpu_total_s"]
idle_cpu = c2["cpu_total_s"] - c1["cpu_total_s"]
idle_wall = c2["time"] - c1["time"]
delta = h["pss_total_kib"] - b["pss_total_kib"]
out = {
    "sessions_wanted": n,
    "sessions_up": up,
    "tunnels_reported_by_bulwarkctl_status": tunnels,
    "workers_alive_at_hold": held,
    "failures": lg.get("failures", {}),
    "failure_examples": lg.get("failure_examples", {}),
    "pss_baseline_kib": b["pss_total_kib"],
    "pss_hold_kib": h["pss_total_kib"],
    "pss_hold_by_role_kib": h["pss_kib"],
    "pss_per_session_kib": round(delta / tunnels, 1) if tunnels else None,
    "worker_pss_avg_kib": round(h["pss_kib"].get("worker", 0) / held, 1) if held else None,
    "mem_available_baseline_mib": b["mem_available_kib"] // 1024,
    "mem_available_hold_mib": h["mem_available_kib"] // 1024,
    "mem_available_drop_per_session_kib":
        round((b["mem_available_kib"] - h["mem_available_kib"]) / tunnels, 1) if tunnels else None,
    "kernel_mem_delta_per_session_kib": {
        k: round((h["kernel_kib"][k] - b["kernel_kib"][k]) / tunnels, 1)
        for k in ("KernelStack", "PageTables", "SUnreclaim")} if tunnels else None,
    "ramp_seconds": lg.get("ramp_seconds"),
    "connect_rate_per_s": lg.get("connect_rate"),
    "login_ms": lg.get("login_ms"),
    "connect_ms": lg.get("connect_ms"),
    "server_cpu_ramp_s": round(ramp_cpu, 2),
    "server_cpu_per_connect_ms": round(ramp_cpu * 1000 / up, 2) if up else None,
    "server_cpu_idle_percent_of_one_core": round(100 * idle_cpu / idle_wall, 2),
    "idle_window_s": round(idle_wall, 2),
    "server_cpu_idle_percent_by_role": {
        r: round(100 * (c2["cpu_live_by_role_s"].get(r, 0) - c1["cpu_live_by_role_s"].get(r, 0))
                 / idle_wall, 2) for r in c2["cpu_live_by_role_s"]},
    "client_cpu_idle_percent_of_one_core":
        round(100 * (cc2["cpu_total_s"] - cc1["cpu_total_s"]) / (cc2["time"] - cc1["time"]), 2),
    "keepalive_interval_s": None,
    "client_rss_mib": round(cc2.get("rss_kib", 0) / 1024, 1),
    "ramp_stopped_early": open(sys.argv[5]).read().strip() or None,
    "teardown_s": round(t_gone - t_release, 1),
    "server_log_warn_error_lines": int(open(sys.argv[4]).read().strip() or 0),
    "loadgen": lg,
}
print(json.dumps(out, indent=1))
PY
  python3 - "$base.json" "$KEEPALIVE" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["keepalive_interval_s"] = float(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY
  RESULTS+=("$base.json")
  log "N=$N done: $(jget "$base.json" 'd["sessions_up"]') up, $(jget "$base.json" 'd["pss_per_session_kib"]') KiB/session -> $base.json"
done

python3 - "${RESULTS[@]}" <<'PY'
import json, sys
rows = [json.load(open(p)) for p in sys.argv[1:]]
hdr = ["N", "up", "failed", "DTLS up", "PSS base MiB", "PSS hold MiB", "PSS/sess KiB", "worker KiB",
       "ramp s", "conn/s", "login p50/p95 ms", "CPU ramp s", "CPU/conn ms", "idle CPU %",
       "MemAvail MiB", "teardown s"]
out = [hdr]
for d in rows:
    lm = d["login_ms"] or {}
    out.append([str(d["sessions_wanted"]), str(d["sessions_up"]),
                str(d["loadgen"].get("failed_logins", "?")),
                str(d["loadgen"].get("dtls_up", 0)) if d["loadgen"].get("dtls") else "-",
                f'{d["pss_baseline_kib"]/1024:.1f}', f'{d["pss_hold_kib"]/1024:.1f}',
                str(d["pss_per_session_kib"]), str(d["worker_pss_avg_kib"]),
                str(d["ramp_seconds"]), str(d["connect_rate_per_s"]),
                f'{lm.get("p50")}/{lm.get("p95")}', str(d["server_cpu_ramp_s"]),
                str(d["server_cpu_per_connect_ms"]),
                str(d["server_cpu_idle_percent_of_one_core"]),
                f'{d["mem_available_baseline_mib"]}->{d["mem_available_hold_mib"]}',
                str(d.get("teardown_s"))])
w = [max(len(r[i]) for r in out) for i in range(len(hdr))]
for r in out:
    print("  ".join(c.rjust(w[i]) for i, c in enumerate(r)))
print("(idle CPU: server tree over the hold, % of one core; keepalive every "
      f'{rows[0]["keepalive_interval_s"]:g} s per tunnel; teardown: every client leaves, then '
      f'bulwarkd is stopped, until it has exited; JSON: {", ".join(sys.argv[1:])})')
PY
