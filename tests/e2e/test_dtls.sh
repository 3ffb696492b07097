#!/usr/bin/env bash
# DTLS (PSK-NEGOTIATE): the real client establishes DTLS and the tunnel's
# traffic flows over it (server per-channel counters), its data records
# sealed and opened by the worker's own AES-GCM path; a forged ClientHello
# carrying the live App-ID from another port binds nothing and the real
# DTLS keeps working; with UDP blocked the tunnel comes up over TLS.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0 -v
grep -q "Established DTLS connection" "$WORK/client-tun0.log" || fail "no DTLS"
grep -q "PSK" "$WORK/client-tun0.log" || fail "not PSK-NEGOTIATE"
grep -q "No change in MTU after detection" "$WORK/client-tun0.log" || fail "MTU probe not echoed (MTU dropped)"
# openconnect's AES-GCM suite: the data records skip OpenSSL's record layer.
wait_until 5 grep -q "DTLS established (PSK-NEGOTIATE), data records sealed in the worker" "$WORK/server.log" ||
  fail "DTLS data records did not take the worker's AES-GCM path"
in_client ping -c 5 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "ping over DTLS failed"
# MTU "auto" on this 1500 link: 1500 - 20 - 8 - 38 (DTLS, AES-GCM, type byte),
# on both ends; a packet of that size with don't-fragment goes over DTLS.
[[ $(link_mtu "$NS_C" tun0) == 1434 ]] || fail "client MTU $(link_mtu "$NS_C" tun0), expected 1434"
dev=$(server_tun_of "$(tunnel_ip tun0)")
[[ $(link_mtu "$NS_S" "$dev") == 1434 ]] || fail "gateway's $dev MTU: $(link_mtu "$NS_S" "$dev")"
in_client ping -c 2 -W 2 -M do -s 1406 "$GATEWAY_TUN_IP" >/dev/null || fail "full-size ping failed"
dtls_in() { session_field 0 dtls_bytes_in; }
over_dtls() { [[ $(dtls_in) -ge $((5 * 84 + 2 * 1434)) ]]; }
wait_until 5 over_dtls || fail "pings did not go over DTLS: $(sessions_json)"
before=$(dtls_in)
app_id=$(sed -n 's/^X-DTLS-App-ID: //p' "$WORK/client-tun0.log" | tail -1)
[[ ${#app_id} -eq 64 ]] || fail "no App-ID in the client log"
in_client python3 "$SRC/tests/e2e/forge_hello.py" "$SERVER_IP" 443 "$app_id"
in_client ping -c 3 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "tunnel disturbed by a forged ClientHello"
grew() { [[ $(dtls_in) -ge $((before + 3 * 84)) ]]; }
wait_until 5 grew || fail "real DTLS stopped carrying traffic after the forged hello"
[[ $(grep -c "DTLS established" "$WORK/server.log") -eq 1 ]] || fail "the forged flow got a DTLS session"
# Same from an address that is not the client's: main must not even hand it over.
in_server python3 "$SRC/tests/e2e/forge_hello.py" "$SERVER_IP" 443 "$app_id"
wait_until 5 grep -q "not its own; ignored" "$WORK/server.log" || fail "foreign-address hello not refused"
# UDP blocked on the client's side: the tunnel still comes up, over TLS.
# (policy routing: this kernel has no netfilter or tc actions to drop with)
ip -n "$NS_C" rule add ipproto udp dport 443 blackhole
start_client alice alicepass tun1 -v
grep -q "Established DTLS" "$WORK/client-tun1.log" && fail "DTLS came up although UDP is blocked"
in_client ping -c 2 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no TLS fallback with UDP blocked"
