#!/usr/bin/env bash
# At least 10 MB through the tunnel with iperf3, both directions (received
# bytes counted by the receiving iperf3, not just what was sent).
source "$(dirname "$0")/lib.sh"
iperf_listening() { in_server ss -Hltn "sport = :5201" | grep -q LISTEN; }
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0
for dir in "" "-R"; do
  in_server iperf3 -s -B "$GATEWAY_TUN_IP" -1 >"$WORK/iperf-server$dir.log" 2>&1 &
  PIDS+=($!)
  wait_until 10 iperf_listening || fail "iperf3 server did not start"
  in_client iperf3 -c "$GATEWAY_TUN_IP" -t 3 $dir -J >"$WORK/iperf$dir.json" || fail "iperf3 $dir failed"
  python3 - "$WORK/iperf$dir.json" <<'PY' || fail "iperf3 $dir moved too little"
import json, sys
r = json.load(open(sys.argv[1]))
moved = r["end"]["sum_received"]["bytes"]
print(f"iperf3: {moved} bytes, {r['end']['sum_received']['bits_per_second']/1e6:.0f} Mbit/s")
assert moved >= 10 * 1024 * 1024, moved
PY
done
