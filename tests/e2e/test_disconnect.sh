#!/usr/bin/env bash
# `bulwarkctl disconnect ID` ends the tunnel (client exits: server terminate)
# and revokes the cookie: reusing it gets 401 (openconnect exit code 2).
# Also `disconnect --user`.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
cookie=$(get_cookie alice alicepass)
[[ -n $cookie ]] || fail "no cookie from --authenticate"
start_cookie_client "$cookie" tun0
id=$(sessions_json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
"${CTL[@]}" disconnect "$id" | grep -q "ended 1" || fail "disconnect did not end one session"
wait_until 10 process_gone "$CLIENT_PID" || fail "client still running after disconnect"
grep -q "terminate" "$WORK/client-tun0.log" || fail "client did not see a server terminate"
set +e
oc -C "$cookie" --interface tun1 "https://$SERVER_IP/" >"$WORK/client-reuse.log" 2>&1
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "reused cookie: expected exit 2, got $rc"
grep -q "401" "$WORK/client-reuse.log" || fail "reused cookie was not answered with 401"
# By user name
start_client alice alicepass tun2
"${CTL[@]}" disconnect --user alice | grep -q "ended 1" || fail "disconnect --user"
wait_until 10 process_gone "$CLIENT_PID" || fail "client still running after disconnect --user"
if "${CTL[@]}" disconnect 999999 2>"$WORK/err.txt"; then fail "unknown session id accepted"; fi
grep -q "no session" "$WORK/err.txt" || fail "no clear error for an unknown session"
