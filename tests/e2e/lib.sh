# Shared harness for Bulwark's end-to-end tests: the real openconnect client
# against bulwarkd, in two network namespaces joined by a veth pair that this
# test creates and always deletes (EXIT/INT/TERM trap), with every process it
# started killed. No traffic leaves the namespaces. Synchronisation is by
# polling a condition with a deadline (wait_until), never by sleeping.
#
#   source "$(dirname "$0")/lib.sh"
#   e2e_setup                 # namespaces, cert, config, users file
#   start_server
#   add_user alice alicepass
#   start_client alice alicepass tun0   # waits until the tunnel is configured
set -euo pipefail

BIN=${BULWARK_BIN_DIR:?set BULWARK_BIN_DIR to the build directory}
SRC=${BULWARK_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TAG=$$
NS_S=bws$TAG
NS_C=bwc$TAG
SERVER_IP=10.201.0.1
CLIENT_IP=10.201.0.2
POOL_PREFIX=192.168.201
GATEWAY_TUN_IP=$POOL_PREFIX.1
WORK=$(mktemp -d /tmp/bulwark-e2e.XXXXXX)
chmod 755 "$WORK"
PIDS=()
SERVER_PID=""
CLIENT_PID=""
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

log() { echo "[$TEST_NAME] $*"; }

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  for f in "$WORK"/server.log "$WORK"/client*.log; do
    [[ -f $f ]] || continue
    echo "---- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  exit 1
}

cleanup() {
  local rc=$?
  set +e
  exec 2>/dev/null  # bash reports every killed background job; not news here
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for ns in "$NS_C" "$NS_S"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  # Under the sanitizer build every report fails the test, whatever it asserted.
  if [[ $rc -eq 0 ]] && grep -qsE "runtime error:|ERROR: AddressSanitizer" "$WORK"/*.log; then
    echo "FAIL [$TEST_NAME]: sanitizer report in the server log:" >&2
    grep -hsE -A5 "runtime error:|ERROR: AddressSanitizer" "$WORK"/*.log | head -20 >&2
    rc=1
  fi
  if [[ $rc -eq 0 ]]; then
    rm -rf "$WORK"
    echo "PASS [$TEST_NAME]"
  else
    echo "[$TEST_NAME] kept $WORK for inspection"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A command that ends the test through set -e (not through fail) says which
# (errtrace: also inside functions).
set -E
trap '_err_rc=$?; [[ $- == *e* ]] && echo "FAIL [$TEST_NAME]: line $LINENO: \"$BASH_COMMAND\" exited $_err_rc" >&2' ERR

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_until() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(date +%s%N) < deadline)) || return 1
    sleep 0.1
  done
}
# log_lines_at_least N PATTERN: the server log has N or more lines matching
# PATTERN. For wait_until, which needs a command that looks again each time
# (`wait_until 10 test "$(grep -c ...)" ...` would count only once).
log_lines_at_least() { [[ $(grep -c "$2" "$WORK/server.log" || true) -ge $1 ]]; }

in_server() { ip netns exec "$NS_S" "$@"; }
in_client() { ip netns exec "$NS_C" "$@"; }

setup_namespaces() {
  [[ $(id -u) -eq 0 ]] || fail "end-to-end tests need root (network namespaces)"
  ip netns add "$NS_S"
  ip netns add "$NS_C"
  ip link add "vs$TAG" type veth peer name "vc$TAG"
  ip link set "vs$TAG" netns "$NS_S"
  ip link set "vc$TAG" netns "$NS_C"
  ip -n "$NS_S" addr add "$SERVER_IP/24" dev "vs$TAG"
  ip -n "$NS_C" addr add "$CLIENT_IP/24" dev "vc$TAG"
  for ns in "$NS_S" "$NS_C"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$NS_S" link set "vs$TAG" up
  ip -n "$NS_C" link set "vc$TAG" up
}

make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$WORK/server-key.pem" -out "$WORK/server-cert.pem" -days 2 \
    -subj /CN=bulwark.test -addext "subjectAltName=IP:$SERVER_IP" 2>/dev/null
  PIN="pin-sha256:$(openssl x509 -in "$WORK/server-cert.pem" -pubkey -noout |
    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
}

# write_config [extra TOML lines for [timeouts]] [... for [auth]] [... for [audit]]
write_config() {
  CONFIG=$WORK/bulwark.toml
  cat >"$CONFIG" <<CONF
[server]
listen = "$SERVER_IP"
port = 443
cert = "$WORK/server-cert.pem"
key = "$WORK/server-key.pem"
users_file = "$WORK/users"
max_sessions_per_user = 0
worker_user = "nobody"
runtime_dir = "$WORK/run"
state_dir = "$WORK/state"

[network]
pool = "$POOL_PREFIX.0/24"
dns = ["$GATEWAY_TUN_IP"]
default_domain = "bulwark.test"
split_include = ["$POOL_PREFIX.0/24"]

[timeouts]
dpd = 90
cookie = 300
${1:-}

[auth]
totp_file = "$WORK/totp"
${2:-}

[audit]
file = "$WORK/audit.jsonl"
${3:-}
CONF
  CTL=("$BIN/bulwarkctl" --config "$CONFIG")
}

e2e_setup() {
  setup_namespaces
  make_cert
  write_config "${1:-}" "${2:-}" "${3:-}"
  : >"$WORK/users"
}

start_server() {
  # Started directly (not through a function) so that $! is bulwarkd itself.
  ip netns exec "$NS_S" "$BIN/bulwarkd" --config "$CONFIG" --foreground >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_until 10 server_listening || fail "bulwarkd did not start listening"
}
server_listening() { in_server ss -Hltn "sport = :443" | grep -q LISTEN; }
server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }

add_user() { printf '%s\n' "$2" | "${CTL[@]}" user add "$1" --password-stdin >/dev/null; }

# openconnect with the test's pin and script; extra args pass through. It is
# exec'd (ip netns exec -> env -> openconnect), so `cmd &` gives $! = its PID.
oc_cmd() {
  OC=(ip netns exec "$NS_C" env E2E_STATE_DIR="$WORK" E2E_NO_ROUTES="${E2E_NO_ROUTES:-0}"
    openconnect --servercert "$PIN" --non-inter --script "$SRC/tests/e2e/tunscript.sh")
}
oc() {
  oc_cmd
  "${OC[@]}" "$@"
}

# start_client USER PASS IFACE [extra openconnect args]: waits until configured.
start_client() {
  local user=$1 pass=$2 ifc=$3
  shift 3
  rm -f "$WORK/up.$ifc"
  oc_cmd
  "${OC[@]}" -u "$user" --passwd-on-stdin --interface "$ifc" "$@" \
    "https://$SERVER_IP/" <<<"$pass" >"$WORK/client-$ifc.log" 2>&1 &
  CLIENT_PID=$!
  PIDS+=("$CLIENT_PID")
  wait_until 30 test -s "$WORK/up.$ifc" || fail "client on $ifc did not come up"
}

# start_cookie_client COOKIE IFACE: connect with -C (no login).
start_cookie_client() {
  local cookie=$1 ifc=$2
  rm -f "$WORK/up.$ifc"
  oc_cmd
  "${OC[@]}" -C "$cookie" --interface "$ifc" "https://$SERVER_IP/" >>"$WORK/client-$ifc.log" 2>&1 &
  CLIENT_PID=$!
  PIDS+=("$CLIENT_PID")
  wait_until 30 test -s "$WORK/up.$ifc" || fail "cookie client on $ifc did not come up"
}

# get_cookie USER PASS: logs in with --authenticate and prints the cookie.
get_cookie() {
  printf '%s\n' "$2" | oc -u "$1" --passwd-on-stdin --authenticate "https://$SERVER_IP/" \
    2>>"$WORK/client-auth.log" | sed -n "s/^COOKIE='\(.*\)'$/\1/p"
}

tunnel_ip() { cat "$WORK/up.$1"; }
# link_mtu NETNS DEVICE: the device's MTU.
link_mtu() { ip -n "$1" -o link show "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }
# server_tun_of ADDRESS: the gateway's TUN device for the tunnel to ADDRESS (last one).
server_tun_of() { grep "tunnel up .* address=$1 " "$WORK/server.log" | tail -1 | sed -n 's/.* dev=\([^ ]*\) .*/\1/p'; }

# zygote_pid: the current worker zygote (worker_launch = "fork"), from its
# "zygote: ready" line; empty if there is none.
zygote_pid() {
  grep -o 'worker\[[0-9]*\] zygote: ready' "$WORK/server.log" 2>/dev/null | tail -1 | tr -dc '0-9'
}
# worker_pids: the bulwark-worker processes serving connections (not the zygote).
worker_pids() { pgrep -P "$SERVER_PID" -x bulwark-worker | grep -vx "$(zygote_pid)" || true; }

# process_gone PID
process_gone() { ! kill -0 "$1" 2>/dev/null; }

# assert_sandboxed NAME PID: the process runs as the worker account (nobody)
# with no groups and no capabilities, NO_NEW_PRIVS, a seccomp filter, and
# the empty directory as its root.
assert_sandboxed() {
  local name=$1 pid=$2 st=/proc/$2/status
  local uid gid root
  uid=$(id -u nobody)
  gid=$(id -g nobody)
  grep -qE "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid$" "$st" || fail "$name uid: $(grep ^Uid "$st")"
  grep -qE "^Gid:\s+$gid\s+$gid\s+$gid\s+$gid$" "$st" || fail "$name gid: $(grep ^Gid "$st")"
  grep -qE "^Groups:\s*$" "$st" || fail "$name supplementary groups: $(grep ^Groups "$st")"
  grep -qE "^CapEff:\s+0000000000000000$" "$st" || fail "$name $(grep ^CapEff "$st")"
  grep -qE "^CapPrm:\s+0000000000000000$" "$st" || fail "$name $(grep ^CapPrm "$st")"
  grep -qE "^NoNewPrivs:\s+1$" "$st" || fail "$name $(grep ^NoNewPrivs "$st")"
  grep -qE "^Seccomp:\s+2$" "$st" || fail "$name seccomp filter not active: $(grep ^Seccomp "$st")"
  root=$(readlink "/proc/$pid/root")
  [[ $root == "$WORK/run/empty" ]] || fail "$name root is $root"
  [[ -z $(ls -A "/proc/$pid/root") ]] || fail "$name root is not empty"
  log "$name $pid: uid nobody, CapEff 0, NoNewPrivs 1, Seccomp 2 (filter), root $root (empty)"
}

sessions_json() { "${CTL[@]}" sessions --json; }
# session_field INDEX FIELD: one field of one listed session.
session_field() {
  sessions_json | python3 -c "import json,sys; print(json.load(sys.stdin)[$1]['$2'])"
}
bytes_reported() { [[ $(session_field 0 bytes_in) -gt 0 ]]; }

# audited_session PASSWORD: the audit tests' scenario. alice (PASSWORD) logs
# in and pings, a wrong password (containing PASSWORD) is tried, an admin
# disconnects her; returns once the tunnel.end record is in $WORK/audit.jsonl.
audited_session() {
  add_user alice "$1"
  start_client alice "$1" tun0
  in_client ping -c 3 -i 0.2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic"
  set +e
  printf 'wrong-%s\n' "$1" | oc -u alice --passwd-on-stdin --authenticate "https://$SERVER_IP/" >/dev/null 2>&1
  set -e
  "${CTL[@]}" disconnect --user alice >/dev/null
  wait_until 10 process_gone "$CLIENT_PID" || fail "client still up"
  wait_until 10 grep -q '"event":"tunnel.end"' "$WORK/audit.jsonl" || fail "no tunnel.end record"
}

# download: 64 MiB over TCP from the gateway's side to the client on tun0,
# which sends nothing but ACKs (iperf3 -R would also send its results
# upstream); fails unless exactly 64 MiB arrive.
download() {
  local ip
  ip=$(tunnel_ip tun0)
  in_client python3 -c '
import socket, sys
s = socket.create_server((sys.argv[1], 5202))
print("listening", flush=True)
c, _ = s.accept()
n = 0
while data := c.recv(1 << 16):
    n += len(data)
sys.exit(0 if n == 64 << 20 else 1)
' "$ip" >"$WORK/sink.out" &
  local sink=$!
  PIDS+=($sink)
  wait_until 10 grep -q listening "$WORK/sink.out" || fail "download sink did not start"
  in_server python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 5202))
c.sendall(bytes(64 << 20))
c.close()
' "$ip" || fail "download failed"
  wait "$sink" || fail "the client did not receive 64 MiB"
}

# end_tunnel_log PATTERN: disconnects the client ($CLIENT_PID), waits for its
# worker to log one more line matching PATTERN as the tunnel ends, and sets
# END_LINE to the newest such line.
end_tunnel_log() {
  local before
  before=$(grep -c "$1" "$WORK/server.log" || true)
  kill -INT "$CLIENT_PID"
  wait_until 10 process_gone "$CLIENT_PID" || fail "client did not exit"
  wait_until 10 log_lines_at_least $((before + 1)) "$1" || fail "the worker logged no \"$1\" line"
  END_LINE=$(grep "$1" "$WORK/server.log" | tail -1)
}

# reload_live KEY: `bulwarkctl reload` must apply the edited live KEY, and
# the new zygote (the second since start) must be ready for new tunnels.
reload_live() {
  local out
  out=$("${CTL[@]}" reload) || fail "reload refused: $out"
  [[ $out == *"$1"* ]] || fail "unexpected reload output: $out"
  wait_until 10 log_lines_at_least 2 "zygote: ready" || fail "no new zygote after the reload"
}
