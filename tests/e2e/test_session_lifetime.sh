#!/usr/bin/env bash
# The absolute session timeout is anchored at login: a reconnect with the
# cookie (openconnect -C) does not extend it. When it runs out the tunnel ends
# (server terminate) and the cookie is refused (401).
# timeouts.session = 10 s; the reconnect happens 5 s after login, so an
# extended session would end about 15 s after login instead of about 10 s.
source "$(dirname "$0")/lib.sh"
e2e_setup "session = 10"
start_server
add_user alice alicepass
t0=$(date +%s%N)
cookie=$(get_cookie alice alicepass)
[[ -n $cookie ]] || fail "no cookie from --authenticate"
start_cookie_client "$cookie" tun0
kill -KILL "$CLIENT_PID"
wait_until 5 process_gone "$CLIENT_PID"
in_client ip link del tun0 2>/dev/null || true
# Deliberately reconnect half-way through the session's lifetime.
sleep "$(python3 -c "print(max(0, 5 - ($(date +%s%N) - $t0) / 1e9))")"
start_cookie_client "$cookie" tun1
in_client ping -c 1 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic after reconnect"
wait_until 20 process_gone "$CLIENT_PID" || fail "the session did not end"
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
log "session ended ${elapsed_ms} ms after login"
((elapsed_ms < 13000)) || fail "session lasted ${elapsed_ms} ms: the reconnect extended it"
((elapsed_ms >= 9000)) || fail "session ended early (${elapsed_ms} ms)"
grep -q "ended: expired" "$WORK/server.log" || fail "server did not log the expiry"
set +e
oc -C "$cookie" --interface tun2 "https://$SERVER_IP/" >"$WORK/client-expired.log" 2>&1
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "expired cookie: expected exit 2, got $rc"
grep -q "401" "$WORK/client-expired.log" || fail "expired cookie was not answered with 401"
