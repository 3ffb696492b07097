#!/usr/bin/env bash
# Runs ../shared/tools/vpn-bench/vpn-bench.sh against ocserv and against
# Bulwark back to back on this machine (same harness, same knobs) and prints
# Bulwark/ocserv ratios of the main figures. Needs root. On a fresh Debian 12
# machine it installs what it needs (scripts/install-deps.sh bench) and builds
# build/ (unless BULWARK_BIN_DIR names a build).
#   bench/compare.sh                       # DTLS + TLS-only throughput, setup, 50 clients, memory
#   TESTS=tls,setup RUNS=3 bench/compare.sh
#   VPN_BENCH=/path/to/vpn-bench.sh bench/compare.sh
#   TCP_CC=cubic bench/compare.sh          # tunnelled TCP under this congestion control
# The tunnelled iperf3 flows use the machine's default TCP congestion control
# (the namespaces inherit it); the table header names it. With BBR the DTLS
# server->client figures depend on loss at the client's UDP socket (README).
# TCP_CC sets net.ipv4.tcp_congestion_control for the run and restores it.
# Results: $OUT_DIR (default /tmp/bulwark-bench)/{ocserv,bulwark}-N.json.
# Both servers run PSK-NEGOTIATE DTLS (openconnect's default) and, in `tls`,
# TLS only (openconnect --no-dtls).
# SETUP_RUNS (default 30) is the number of sequential connects in `setup`:
# the harness reads server CPU in 10 ms clock ticks, so its own default of 10
# connects resolves the CPU per connect only to 1 ms (a tenth of Bulwark's).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
VPN_BENCH=${VPN_BENCH:-$here/../shared/tools/vpn-bench/vpn-bench.sh}
TESTS=${TESTS:-dtls,tls,setup,multi}
RUNS=${RUNS:-1}
export SETUP_RUNS=${SETUP_RUNS:-30}
OUT_DIR=${OUT_DIR:-/tmp/bulwark-bench}
"$here/scripts/install-deps.sh" bench
if [[ -z ${BULWARK_BIN_DIR:-} ]]; then
  "$here/scripts/build.sh" >/dev/null || { echo "build failed: run scripts/build.sh" >&2; exit 1; }
fi
export BULWARK_BIN_DIR=${BULWARK_BIN_DIR:-$here/build}
[[ -x $VPN_BENCH ]] || { echo "vpn-bench not found at $VPN_BENCH (set VPN_BENCH)" >&2; exit 1; }
# vpn-bench's 50-client test computes its 120 s deadline with awk's default
# number format (6 significant digits), which rounds today's epoch time down
# by up to ~80 minutes: about half of the runs then count 0 tunnels as up.
# Run a copy with that one line printed in full (nothing else changes).
patched_dir=
cc_before=$(sysctl -n net.ipv4.tcp_congestion_control)
cleanup() {
  [[ -n $patched_dir ]] && rm -rf "$patched_dir"
  [[ $(sysctl -n net.ipv4.tcp_congestion_control) == "$cc_before" ]] ||
    sysctl -qw net.ipv4.tcp_congestion_control="$cc_before"
}
trap cleanup EXIT
if [[ -n ${TCP_CC:-} ]]; then
  sysctl -qw net.ipv4.tcp_congestion_control="$TCP_CC" 2>/dev/null &&
    [[ $(sysctl -n net.ipv4.tcp_congestion_control) == "$TCP_CC" ]] ||
    { echo "TCP_CC=$TCP_CC: not available here (have: $(sysctl -n net.ipv4.tcp_available_congestion_control))" >&2; exit 2; }
fi
cc=$(sysctl -n net.ipv4.tcp_congestion_control)
if grep -q 'BEGIN{print t + 120}' "$VPN_BENCH"; then
  patched_dir=$(mktemp -d /tmp/bulwark-vpn-bench.XXXXXX)
  cp "$(dirname "$VPN_BENCH")"/*.sh "$patched_dir"/
  sed -i 's/BEGIN{print t + 120}/BEGIN{printf "%.6f", t + 120}/' "$patched_dir/$(basename "$VPN_BENCH")"
  VPN_BENCH=$patched_dir/$(basename "$VPN_BENCH")
  echo "note: running vpn-bench with its multi-client deadline fix ($VPN_BENCH)"
fi
[[ -x $BULWARK_BIN_DIR/bulwarkd ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
mkdir -p "$OUT_DIR"

for i in $(seq 1 "$RUNS"); do
  echo "== run $i/$RUNS: ocserv"
  SERVER=ocserv TESTS=$TESTS OUT_JSON=$OUT_DIR/ocserv-$i.json "$VPN_BENCH" >"$OUT_DIR/ocserv-$i.log" 2>&1 ||
    { tail -20 "$OUT_DIR/ocserv-$i.log"; exit 1; }
  echo "== run $i/$RUNS: bulwark"
  SERVER=custom SERVER_LABEL="bulwark $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo dev)" \
    CUSTOM_SERVER_CMD="$here/bench/launch-bulwark.sh {LISTEN_IP} {PORT} {CERT} {KEY} {POOL_NET} {POOL_MASK} {PASSWD_FILE} {WORKDIR}" \
    TESTS=$TESTS OUT_JSON=$OUT_DIR/bulwark-$i.json "$VPN_BENCH" >"$OUT_DIR/bulwark-$i.log" 2>&1 ||
    { tail -20 "$OUT_DIR/bulwark-$i.log"; exit 1; }
done

# Median over runs of one figure in one server's JSONs.
median() {
  local server=$1 path=$2
  jq -s "[.[] | $path | select(. != null)] | sort | if length == 0 then null else .[(length-1)/2|floor] end" \
    "$OUT_DIR/$server"-*.json
}

echo "tunnelled TCP congestion control: $cc" | tee "$OUT_DIR/conditions.txt"
echo "sequential connects per setup run: $SETUP_RUNS" | tee -a "$OUT_DIR/conditions.txt"
printf '\n%-44s %12s %12s %9s  %s\n' "figure (median of $RUNS)" ocserv bulwark ratio "better if"
row() {
  local label=$1 path=$2 better=$3 o b
  o=$(median ocserv "$path")
  b=$(median bulwark "$path")
  [[ $o == null || $b == null ]] && return 0
  printf '%-44s %12.1f %12.1f %9s  %s\n' "$label" "$o" "$b" \
    "$(awk -v o="$o" -v b="$b" 'BEGIN { if (o == 0) print "-"; else printf "%.2f", b / o }')" "$better"
}
row "TLS-only TCP c->s Mbit/s" '.vpn_tls.tcp_fwd.mbps' higher
row "TLS-only TCP s->c Mbit/s" '.vpn_tls.tcp_rev.mbps' higher
row "TLS-only server CPU-s/GB c->s" '.vpn_tls.tcp_fwd.cpu.server_s_per_gb' lower
row "TLS-only server CPU-s/GB s->c" '.vpn_tls.tcp_rev.cpu.server_s_per_gb' lower
row "TLS-only UDP received Mbit/s" '.vpn_tls.udp[0].recv_mbps' higher
row "DTLS TCP c->s Mbit/s" '.vpn_dtls.tcp_fwd.mbps' higher
row "DTLS TCP s->c Mbit/s" '.vpn_dtls.tcp_rev.mbps' higher
row "DTLS server CPU-s/GB c->s" '.vpn_dtls.tcp_fwd.cpu.server_s_per_gb' lower
row "DTLS server CPU-s/GB s->c" '.vpn_dtls.tcp_rev.cpu.server_s_per_gb' lower
row "DTLS UDP received Mbit/s" '.vpn_dtls.udp[0].recv_mbps' higher
row "setup: first ping ms (median)" '.setup.summary.ping_ms.median' lower
row "setup: CSTP connected ms (median)" '.setup.summary.cstp_connected_ms.median' lower
row "setup: DTLS up ms (median)" '.setup.summary.dtls_up_ms.median' lower
row "setup: server CPU ms per connect" '.setup.server_cpu_ms_per_connect' lower
row "50 clients: tunnels up" '.multi.tunnels_up' higher
row "50 clients: with DTLS" '.multi.dtls_up' higher
row "50 clients: all pinged, ms" '.multi.all_pinged_ms' lower
row "50 clients: server CPU ms per connect" '.multi.server_cpu_ms_per_connect' lower
row "memory per session PSS KiB" '.memory.per_session.pss_kib' lower
row "memory per session RSS KiB" '.memory.per_session.rss_kib' lower
echo
echo "JSON and logs: $OUT_DIR"
