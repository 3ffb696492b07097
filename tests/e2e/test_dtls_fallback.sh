#!/usr/bin/env bash
# DTLS fails under a live tunnel (the client's UDP to the gateway is dropped):
# the client declares DTLS dead, the same session carries on over TLS (same
# session id, same address, traffic counted on the TLS channel), and once UDP
# passes again the client's DTLS retry is served and traffic goes back to it.
source "$(dirname "$0")/lib.sh"
e2e_setup
sed -i "s/^dpd = 90$/dpd = 3/" "$CONFIG"  # the client declares DTLS dead after 2 x DPD
start_server
add_user alice alicepass
start_client alice alicepass tun0 -v
log="$WORK/client-tun0.log"
grep -q "Established DTLS connection" "$log" || fail "no DTLS to begin with"
in_client ping -c 3 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "ping over DTLS failed"
session=$(session_field 0 id)
address=$(session_field 0 tunnel_ip)
dtls_in() { session_field 0 dtls_bytes_in; }
tls_in() { echo $(($(session_field 0 bytes_in) - $(dtls_in))); }
pinged_over_dtls() { [[ $(dtls_in) -ge $((3 * 84)) ]]; }  # re-read on every poll
wait_until 5 pinged_over_dtls || fail "pings did not go over DTLS: $(sessions_json)"

# The gateway's side of the link drops UDP to port 443 as it comes in
# (policy routing: this kernel has no netfilter to do it with), as a
# firewall on the way would; the client's DPD requests go unanswered.
# The local table's rule comes first by default; it moves behind the block.
block_udp=(pref 10 iif "vs$TAG" ipproto udp dport 443 blackhole)
ip -n "$NS_S" rule add "${block_udp[@]}"
ip -n "$NS_S" rule add pref 20 lookup local
ip -n "$NS_S" rule del pref 0 lookup local
wait_until 20 grep -q "DTLS Dead Peer Detection detected dead peer" "$log" ||
  fail "client did not notice DTLS failing"
tls_before=$(tls_in)
dtls_before=$(dtls_in)
in_client ping -c 5 -i 0.2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic over TLS after DTLS failed"
over_tls() { [[ $(tls_in) -ge $((tls_before + 5 * 84)) ]]; }
wait_until 5 over_tls || fail "pings did not go over TLS: $(sessions_json)"
[[ $(dtls_in) -eq $dtls_before ]] || fail "DTLS counted traffic while UDP was blocked"
[[ $(sessions_json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1 ]] ||
  fail "the fallback made a second session: $(sessions_json)"
[[ $(session_field 0 id) == "$session" && $(session_field 0 tunnel_ip) == "$address" ]] ||
  fail "the session changed on fallback: $(sessions_json)"

# UDP passes again: the client's next DTLS attempt (openconnect tries once a
# minute; the one it made when DTLS died was blocked too, and it holds its
# TUN traffic while a handshake runs, so TLS carried the pings above only
# after that one gave up) gets a new DTLS flow for the same session.
ip -n "$NS_S" rule del "${block_udp[@]}"
dtls_twice() { [[ $(grep -c "Established DTLS connection" "$log") -ge 2 ]]; }
wait_until 75 dtls_twice || fail "the client's DTLS retry did not succeed"
wait_until 5 log_lines_at_least 2 "DTLS established" || fail "server did not take the new flow"
dtls_before=$(dtls_in)
in_client ping -c 3 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "ping after the DTLS retry failed"
back_on_dtls() { [[ $(dtls_in) -ge $((dtls_before + 3 * 84)) ]]; }
wait_until 5 back_on_dtls || fail "traffic did not return to DTLS: $(sessions_json)"
[[ $(session_field 0 id) == "$session" ]] || fail "the session changed on the DTLS retry"
