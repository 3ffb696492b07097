#!/usr/bin/env bash
# DTLS in-flight gate (network.dtls_inflight_kib, packet/inflight_gate.h):
# during a download over DTLS the worker times the real openconnect client's
# TCP ACKs and, while more than the budget waits in a queue at the client,
# leaves further packets in the TUN queue; the download still arrives whole.
# Where the client cannot keep up (it loses datagrams at its socket without
# the gate), the gate holds the queue and keeps most of that loss away. Over
# TLS only the gate never holds anything back (TCP carries the tunnel). With
# the key 0 (applied by a reload to new tunnels) there is no gate. Each
# tunnel's worker logs the gate's counts at its end; this test reads them,
# and the client's UdpRcvbufErrors.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass

GATE_RE='.*DTLS in-flight gate: \([0-9]*\) wake-ups left the TUN queue unread, peak \([0-9]*\) bytes queued at the client, round trip \([0-9]*\) us at least, \([0-9]*\) us lately.*'

# client_udp_drops: datagrams the client's kernel dropped at a full socket buffer so far.
client_udp_drops() {
  in_client nstat -az UdpRcvbufErrors | awk '/UdpRcvbufErrors/ {print $2}'
}

# end_tunnel: disconnects the client; sets gated, peak, min_rtt and recent_rtt from
# its worker's gate line.
end_tunnel() {
  end_tunnel_log "DTLS in-flight gate: "
  read -r gated peak min_rtt recent_rtt < <(sed -n "s/$GATE_RE/\1 \2 \3 \4/p" <<<"$END_LINE")
  [[ -n ${recent_rtt:-} ]] || fail "unreadable gate line: $END_LINE"
  log "gate: $gated wake-ups left the TUN queue unread, peak $peak bytes queued," \
    "round trip ${min_rtt} us at least, ${recent_rtt} us lately"
}

log "default (64 KiB): a download over DTLS arrives whole, its round trips timed"
start_client alice alicepass tun0
wait_until 20 grep -q "DTLS established" "$WORK/server.log" || fail "DTLS did not come up"
in_client ping -c 3 -i 0.1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "pings through the tunnel failed"
drops_before=$(client_udp_drops)
download
drops_on=$(($(client_udp_drops) - drops_before))
end_tunnel
gated_on=$gated peak_on=$peak
log "client UDP receive-buffer drops during the download: $drops_on"
[[ $min_rtt -gt 0 && $recent_rtt -gt 0 ]] || fail "no round trip was timed"

log "TLS only: the gate holds nothing back"
start_client alice alicepass tun0 --no-dtls
download
end_tunnel
[[ $gated -eq 0 ]] || fail "the gate held the TUN queue $gated times without DTLS"

log "reload with dtls_inflight_kib = 0: no gate, the download still arrives whole"
sed -i 's/^\[network\]$/[network]\ndtls_inflight_kib = 0/' "$CONFIG"
reload_live network.dtls_inflight_kib
before=$(grep -c "DTLS in-flight gate: " "$WORK/server.log" || true)
start_client alice alicepass tun0
wait_until 20 log_lines_at_least 2 "DTLS established" || fail "DTLS did not come up again"
drops_before=$(client_udp_drops)
download
drops_off=$(($(client_udp_drops) - drops_before))
end_tunnel_log "ack thinning: "
after=$(grep -c "DTLS in-flight gate: " "$WORK/server.log" || true)
[[ $after -eq $before ]] || fail "a gate line appeared with dtls_inflight_kib = 0"
log "client UDP receive-buffer drops without the gate: $drops_off"

# Where the client cannot keep up (it lost datagrams without the gate), the
# gate must have held the queue at the budget and kept at least half of that loss
# away. A slower gateway (a sanitizer build) may never outrun the client.
if ((drops_off >= 1000)); then
  [[ $gated_on -gt 0 ]] || fail "the gate never held the TUN queue, yet the client lost $drops_off datagrams without it"
  [[ $peak_on -ge $((64 * 1024)) ]] || fail "the queue at the client (peak $peak_on bytes) never reached the budget"
  ((drops_on * 2 < drops_off)) || fail "the gate did not keep the loss away: $drops_on datagrams lost with it, $drops_off without"
else
  log "the client kept up without the gate ($drops_off drops): nothing for the gate to hold"
fi
