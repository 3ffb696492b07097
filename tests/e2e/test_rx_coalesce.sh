#!/usr/bin/env bash
# Interrupt moderation (network.rx_coalesce_us, worker/wake_moderation.h):
# the worker holds after a wake-up only while the client sends bulk, never for
# pings or for the ACKs of a download, and not at all with the key at 0, which
# a reload applies to new tunnels. Each tunnel's worker logs at its end how
# many of its wake-ups it held; this test reads those counts.
source "$(dirname "$0")/lib.sh"
iperf_listening() { in_server ss -Hltn "sport = :5201" | grep -q LISTEN; }
e2e_setup
sed -i 's/^\[network\]$/[network]\nrx_coalesce_us = 1000/' "$CONFIG"
start_server
add_user alice alicepass

# iperf3 DIR: 2 s of TCP through the tunnel, client -> gateway ("") or back ("-R").
iperf() {
  in_server iperf3 -s -B "$GATEWAY_TUN_IP" -1 >>"$WORK/iperf-server.log" 2>&1 &
  PIDS+=($!)
  wait_until 10 iperf_listening || fail "iperf3 server did not start"
  in_client iperf3 -c "$GATEWAY_TUN_IP" -t 2 $1 >>"$WORK/iperf.log" 2>&1 || fail "iperf3 $1 failed"
}
# download: 64 MiB over TCP from the gateway's side to the client, which sends
# nothing but ACKs (iperf3 -R would also send its results upstream).
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
# end_tunnel: disconnects the client; sets held and wakeups from its worker's last line.
end_tunnel() {
  local before
  before=$(grep -c "rx coalescing: " "$WORK/server.log" || true)
  kill -INT "$CLIENT_PID"
  wait_until 10 process_gone "$CLIENT_PID" || fail "client did not exit"
  wait_until 10 log_lines_at_least $((before + 1)) "rx coalescing: " ||
    fail "the worker logged no rx coalescing counts"
  read -r held wakeups < <(sed -n \
    's/.*rx coalescing: \([0-9]*\) of \([0-9]*\) wake-ups held.*/\1 \2/p' "$WORK/server.log" | tail -1)
  [[ -n ${wakeups:-} ]] || fail "unreadable rx coalescing line"
  log "held $held of $wakeups wake-ups"
}

log "pings and a download: no hold"
start_client alice alicepass tun0
in_client ping -c 20 -i 0.02 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "pings through the tunnel failed"
download
end_tunnel
[[ $wakeups -gt 100 ]] || fail "only $wakeups wake-ups counted for a 64 MiB download"
[[ $held -eq 0 ]] || fail "the worker held $held wake-ups without bulk from the client"

log "an upload: held"
start_client alice alicepass tun0
iperf ""
end_tunnel
[[ $held -gt 0 ]] || fail "an upload at rx_coalesce_us = 1000 held no wake-up"

log "reload with rx_coalesce_us = 0: an upload is not held"
sed -i 's/^rx_coalesce_us = 1000$/rx_coalesce_us = 0/' "$CONFIG"
out=$("${CTL[@]}" reload) || fail "reload refused: $out"
[[ $out == *"network.rx_coalesce_us"* ]] || fail "unexpected reload output: $out"
wait_until 10 log_lines_at_least 2 "zygote: ready" || fail "no new zygote after the reload"
start_client alice alicepass tun0
iperf ""
end_tunnel
[[ $wakeups -gt 100 ]] || fail "only $wakeups wake-ups counted for a 2 s upload"
[[ $held -eq 0 ]] || fail "rx_coalesce_us = 0 still held $held wake-ups"
