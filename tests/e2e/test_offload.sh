#!/usr/bin/env bash
# TUN offload (docs/design/dataplane.md): TCP from the gateway's side reaches
# the worker as 64 KiB super-packets that it cuts into segments, and the
# client's TCP segments reach the kernel coalesced into GSO writes. Every byte
# still arrives intact both ways (iperf3 counts what it received; the
# receiving kernels check every TCP checksum), and a UDP reply sent from the
# gateway's namespace, whose checksum the kernel leaves to the device,
# reaches the client with a valid one. This is also the suite's bulk TCP test.
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
  in_client iperf3 -c "$GATEWAY_TUN_IP" -t 2 $dir -J >"$WORK/iperf$dir.json" || fail "iperf3 $dir failed"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["end"]["sum_received"]["bytes"] >= 5 << 20' \
    "$WORK/iperf$dir.json" || fail "iperf3 $dir moved too little"
done

# UDP echo in the gateway's namespace; the client must get its probe back.
in_server python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7777))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
' "$GATEWAY_TUN_IP" &
PIDS+=($!)
in_client python3 - "$GATEWAY_TUN_IP" <<'PY' || fail "no intact UDP echo from the gateway's namespace"
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for attempt in range(10):  # the echo server may still be starting
    probe = os.urandom(600)
    s.sendto(probe, (sys.argv[1], 7777))
    try:
        if s.recv(2048) == probe:
            sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
PY

kill -INT "$CLIENT_PID"
wait_until 10 process_gone "$CLIENT_PID" || fail "client did not exit"
offload_logged() { grep -q "offload: " "$WORK/server.log"; }
wait_until 10 offload_logged || fail "the worker logged no offload counters"
read -r supers segs writes merged < <(sed -n \
  's/.*offload: \([0-9]*\) super-packets cut into \([0-9]*\) segments, \([0-9]*\) GSO writes of \([0-9]*\) segments.*/\1 \2 \3 \4/p' \
  "$WORK/server.log" | tail -1)
log "super-packets $supers -> $segs segments; $writes GSO writes <- $merged segments"
[[ ${supers:-0} -gt 0 && ${segs:-0} -gt $supers ]] || fail "no TCP super-packet was cut into segments"
[[ ${writes:-0} -gt 0 && ${merged:-0} -gt $writes ]] || fail "no client segments were coalesced"
