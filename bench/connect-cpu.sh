#!/usr/bin/env bash
# Where Bulwark's CPU per connect goes, process by process: runs the shared
# harness's sequential-connect test (../shared/tools/vpn-bench, SERVER=custom,
# TESTS=setup) against Bulwark alone and counts, with `perf stat` attached to
# main, authd and the worker zygote (its workers included, as perf follows
# the children it forks), CPU time, context switches and page faults, divided
# by the connects seen while attached (the zygote's forks). Needs root.
#   sudo bench/connect-cpu.sh            # 30 connects
#   SETUP_RUNS=60 sudo bench/connect-cpu.sh
# Output: one line per process and the total, in ms / switches / faults per
# connect; perf's own files in $OUT_DIR (default /tmp/bulwark-connect-cpu).
# bench/compare.sh gives the same total against ocserv's (in 10 ms clock
# ticks); this gives the split, to profile before tuning.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
VPN_BENCH=${VPN_BENCH:-$here/../shared/tools/vpn-bench/vpn-bench.sh}
export SETUP_RUNS=${SETUP_RUNS:-30}
OUT_DIR=${OUT_DIR:-/tmp/bulwark-connect-cpu}
[[ $(id -u) -eq 0 ]] || { echo "run as root (network namespaces, perf on other users' processes)" >&2; exit 2; }
"$here/scripts/install-deps.sh" bench
if [[ -z ${BULWARK_BIN_DIR:-} ]]; then
  "$here/scripts/build.sh" >/dev/null || { echo "build failed: run scripts/build.sh" >&2; exit 1; }
fi
export BULWARK_BIN_DIR=${BULWARK_BIN_DIR:-$here/build}
[[ -x $VPN_BENCH ]] || { echo "vpn-bench not found at $VPN_BENCH (set VPN_BENCH)" >&2; exit 1; }
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/{main,authd,zygote}.csv "$OUT_DIR"/harness.{json,log}

perf_pids=()
harness_pid=
cleanup() {
  ((${#perf_pids[@]})) && kill -INT "${perf_pids[@]}" 2>/dev/null || true
  [[ -n $harness_pid ]] && kill "$harness_pid" 2>/dev/null || true
}
trap cleanup EXIT

SERVER=custom TESTS=setup OUT_JSON=$OUT_DIR/harness.json \
  CUSTOM_SERVER_CMD="$here/bench/launch-bulwark.sh {LISTEN_IP} {PORT} {CERT} {KEY} {POOL_NET} {POOL_MASK} {PASSWD_FILE} {WORKDIR}" \
  "$VPN_BENCH" >"$OUT_DIR/harness.log" 2>&1 &
harness_pid=$!

# The three processes exist once the gateway has started, before the
# harness's first connect; attach as soon as they do. Only processes in the
# harness's server namespace count (another gateway may run on the machine);
# the zygote is the oldest worker there.
in_server_ns() {
  local pids
  pids=$(ip netns pids "${NS_S:-vbs}" 2>/dev/null | paste -sd, -)
  [[ -n $pids ]] && ps -o pid=,comm= --sort=start_time -p "$pids" | awk -v c="$1" '$2 == c {print $1; exit}'
}
main= authd= zygote=
for ((i = 0; i < 600; i++)); do
  main=$(in_server_ns bulwarkd || true)
  authd=$(in_server_ns bulwark-authd || true)
  zygote=$(in_server_ns bulwark-worker || true)
  [[ -n $main && -n $authd && -n $zygote ]] && break
  kill -0 "$harness_pid" 2>/dev/null || { echo "the harness ended before Bulwark started: $OUT_DIR/harness.log" >&2; exit 1; }
  sleep 0.05
done
[[ -n $main && -n $authd && -n $zygote ]] || { echo "Bulwark's processes did not appear: $OUT_DIR/harness.log" >&2; exit 1; }
events=task-clock,context-switches,page-faults
for role in main authd zygote; do
  extra=
  [[ $role == zygote ]] && extra=,sched:sched_process_fork
  perf stat -x, -e "$events$extra" -p "${!role}" -o "$OUT_DIR/$role.csv" &
  perf_pids+=($!)
done

wait "$harness_pid" || { echo "the harness failed: $OUT_DIR/harness.log" >&2; harness_pid=; exit 1; }
harness_pid=
# Each perf stat ends with the process it watches, which the harness has
# stopped; one still running is told to stop and write its counts.
for ((i = 0; i < 100; i++)); do
  alive=0
  for p in "${perf_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  ((alive)) || break
  sleep 0.05
done
kill -INT "${perf_pids[@]}" 2>/dev/null || true
wait "${perf_pids[@]}" 2>/dev/null || true
perf_pids=()

# perf stat -x, lines: value,unit,event,...
count() { awk -F, -v e="$2" '$3 == e || $3 ~ "^"e"( |$)" {print $1; exit}' "$OUT_DIR/$1.csv"; }
connects=$(count zygote sched:sched_process_fork)
[[ -n $connects && $connects -gt 0 ]] || { echo "no connect was seen (no fork of the zygote): $OUT_DIR" >&2; exit 1; }
printf 'connects seen: %d (of %d)\n' "$connects" "$SETUP_RUNS"
printf '%-26s %10s %16s %12s\n' "per connect" "CPU ms" "context switches" "page faults"
tot_ms=0
for role in main authd zygote; do
  ms=$(awk -v v="$(count $role task-clock)" -v n="$connects" 'BEGIN{printf "%.2f", v / n}')
  cs=$(awk -v v="$(count $role context-switches)" -v n="$connects" 'BEGIN{printf "%.1f", v / n}')
  pf=$(awk -v v="$(count $role page-faults)" -v n="$connects" 'BEGIN{printf "%.1f", v / n}')
  label=$role
  [[ $role == zygote ]] && label="zygote and its workers"
  printf '%-26s %10s %16s %12s\n' "$label" "$ms" "$cs" "$pf"
  tot_ms=$(awk -v a="$tot_ms" -v b="$ms" 'BEGIN{printf "%.2f", a + b}')
done
printf '%-26s %10s\n' "total" "$tot_ms"
printf 'the harness (10 ms ticks, all of the server namespace): %s ms per connect\n' \
  "$(jq -r '.setup.server_cpu_ms_per_connect' "$OUT_DIR/harness.json")"
