#!/usr/bin/env bash
# Smoke run of the load benchmark (bench/load.sh --quick, its own network
# namespaces): 50 tunnels from bench/loadgen come up, each with its DTLS
# channel, are all held through the idle window with none dropped, no login
# fails, and bulwarkctl status counts all 50. The generator runs as two
# processes (LOADGEN_PROCESSES=2), as it does for 10,000 DTLS tunnels. The 1,000 and 10,000 session runs are bench/load.sh's own command.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/bulwark-load-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
OUT_DIR=$out LOADGEN_PROCESSES=2 "$src/bench/load.sh" --quick
json=$(ls "$out"/*-n50.json)
summary=$(jq -c '{sessions_up, failures, dtls_up: .loadgen.dtls_up,
  dtls_failures: .loadgen.dtls_failures, dropped: .loadgen.dropped_during_hold,
  held: .loadgen.sessions_up_at_end_of_hold, processes: .loadgen.processes, status: .tunnels_reported_by_bulwarkctl_status}' "$json")
jq -e '.sessions_up == 50 and (.failures | length) == 0 and .loadgen.dropped_during_hold == 0
  and .loadgen.dtls_up == 50 and (.loadgen.dtls_failures | length) == 0
  and .loadgen.sessions_up_at_end_of_hold == 50 and .loadgen.processes == 2 and .tunnels_reported_by_bulwarkctl_status == 50' \
  "$json" >/dev/null || { echo "FAIL [test_bench_load_smoke]: $summary" >&2; exit 1; }
echo "PASS [test_bench_load_smoke] $summary"
