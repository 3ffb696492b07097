#!/usr/bin/env bash
# ACK thinning (network.ack_thinning, packet/ack_thinning.h): during a
# download the real openconnect client's plain cumulative ACKs reach the
# worker several to a wake-up; the worker passes on only the newest of each
# run, and the download still arrives whole. With the key false (applied by
# a reload to new tunnels) no ACK is superseded. Each tunnel's worker logs at
# its end how many packets from the client it superseded; this test reads it.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass

# end_tunnel: disconnects the client; sets thinned and packets from its worker's last line.
end_tunnel() {
  end_tunnel_log "ack thinning: "
  read -r thinned packets < <(sed -n \
    's/.*ack thinning: \([0-9]*\) of \([0-9]*\) packets from the client.*/\1 \2/p' <<<"$END_LINE")
  [[ -n ${packets:-} ]] || fail "unreadable ack thinning line: $END_LINE"
  log "$thinned of $packets packets from the client superseded"
}

# TLS only: the client's ACKs then arrive in one byte stream and a wake-up
# reads many of them at once.
log "default (on): a download over TLS thins the client's ACKs and arrives whole"
start_client alice alicepass tun0 --no-dtls
in_client ping -c 3 -i 0.1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "pings through the tunnel failed"
download
end_tunnel
[[ $packets -gt 1000 ]] || fail "only $packets packets from the client for a 64 MiB download"
[[ $thinned -gt 0 ]] || fail "no ACK of a 64 MiB download was superseded"
[[ $thinned -lt $packets ]] || fail "every packet from the client was superseded ($thinned)"

log "over DTLS too: the download arrives whole"
start_client alice alicepass tun0
wait_until 20 grep -q "DTLS established" "$WORK/server.log" || fail "DTLS did not come up"
download
end_tunnel
[[ $packets -gt 1000 ]] || fail "only $packets packets from the client for a 64 MiB download"

log "reload with ack_thinning = false: every ACK passes"
sed -i 's/^\[network\]$/[network]\nack_thinning = false/' "$CONFIG"
reload_live network.ack_thinning
start_client alice alicepass tun0 --no-dtls
download
end_tunnel
[[ $packets -gt 1000 ]] || fail "only $packets packets from the client for a 64 MiB download"
[[ $thinned -eq 0 ]] || fail "ack_thinning = false still superseded $thinned ACKs"
