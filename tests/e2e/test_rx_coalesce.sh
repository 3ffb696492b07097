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
# end_tunnel: disconnects the client; sets held and wakeups from its worker's last line.
end_tunnel() {
  end_tunnel_log "rx coalescing: "
  read -r held wakeups < <(sed -n 's/.*rx coalescing: \([0-9]*\) of \([0-9]*\) wake-ups held.*/\1 \2/p' <<<"$END_LINE")
  [[ -n ${wakeups:-} ]] || fail "unreadable rx coalescing line: $END_LINE"
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
reload_live network.rx_coalesce_us
start_client alice alicepass tun0
iperf ""
end_tunnel
[[ $wakeups -gt 100 ]] || fail "only $wakeups wake-ups counted for a 2 s upload"
[[ $held -eq 0 ]] || fail "rx_coalesce_us = 0 still held $held wake-ups"
