#!/usr/bin/env bash
# Legacy DTLS (anyconnect.md 5.3): a client that does not offer PSK-NEGOTIATE
# (openconnect --dtls-ciphers=OC-DTLS1_2-AES256-GCM) gets an
# X-DTLS-Session-ID, resumes that session with its own master secret, and the
# tunnel's traffic flows over DTLS with the worker's AES-GCM record path. A
# ClientHello resuming the live session id from another port without the
# secret binds nothing, and the real flow keeps working. A client listing
# only X-DTLS12-CipherSuite names gets its suite named in that header.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0 -v --dtls-ciphers=OC-DTLS1_2-AES256-GCM
log="$WORK/client-tun0.log"
grep -q "^X-DTLS-Session-ID: [0-9a-f]\{64\}$" "$log" || fail "no X-DTLS-Session-ID in the reply"
grep -q "^X-DTLS-CipherSuite: OC-DTLS1_2-AES256-GCM$" "$log" || fail "suite not named in the reply"
grep -q "PSK-NEGOTIATE" "$log" && fail "PSK-NEGOTIATE used although the client did not offer it"
grep -q "Established DTLS connection" "$log" || fail "no DTLS: $(grep -i dtls "$log" | tail -5)"
grep -q "possible MITM" "$log" && fail "the client saw a full handshake instead of a resumption"
wait_until 5 grep -q "DTLS established (legacy, resumed session), data records sealed in the worker" \
  "$WORK/server.log" || fail "server did not report the legacy DTLS flow on the AES-GCM path"
in_client ping -c 5 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "ping over legacy DTLS failed"
# The client sizes legacy DTLS by X-CSTP-MTU: a full-size packet goes over it.
in_client ping -c 2 -W 2 -M do -s 1406 "$GATEWAY_TUN_IP" >/dev/null || fail "full-size ping failed"
dtls_in() { session_field 0 dtls_bytes_in; }
dtls_out() { session_field 0 dtls_bytes_out; }
over_dtls() { [[ $(dtls_in) -ge $((5 * 84 + 2 * 1434)) && $(dtls_out) -ge $((5 * 84 + 2 * 1434)) ]]; }
wait_until 5 over_dtls || fail "pings did not go over DTLS: $(sessions_json)"
before=$(dtls_in)
session_id=$(sed -n 's/^X-DTLS-Session-ID: //p' "$log" | tail -1)
# It offers the resumed suite, so the gateway answers it as a resumption;
# without the master secret the flow never completes.
in_client python3 "$SRC/tests/e2e/forge_hello.py" "$SERVER_IP" 443 "$session_id" 009d
in_client ping -c 3 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "tunnel disturbed by a forged ClientHello"
grew() { [[ $(dtls_in) -ge $((before + 3 * 84)) ]]; }
wait_until 5 grew || fail "real DTLS stopped carrying traffic after the forged hello"
[[ $(grep -c "DTLS established" "$WORK/server.log") -eq 1 ]] || fail "the forged flow got a DTLS session"
# Cisco's DTLS 1.2 names come in X-DTLS12-CipherSuite and are answered there.
start_client alice alicepass tun1 -v --dtls12-ciphers=ECDHE-RSA-AES256-GCM-SHA384
log1="$WORK/client-tun1.log"
grep -q "^X-DTLS12-CipherSuite: ECDHE-RSA-AES256-GCM-SHA384$" "$log1" || fail "X-DTLS12 suite not named"
grep -q "Established DTLS connection" "$log1" || fail "no DTLS for the X-DTLS12 client"
in_client ping -c 2 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "ping over X-DTLS12 legacy DTLS failed"
wait_until 5 log_lines_at_least 2 "DTLS established (legacy" ||
  fail "server did not report the second legacy flow"
