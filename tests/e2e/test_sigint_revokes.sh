#!/usr/bin/env bash
# Ctrl-C in the client (SIGINT: CSTP DISCONNECT 0xb0) logs out: the cookie
# is revoked at once and reusing it gets 401 (exit code 2).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
cookie=$(get_cookie alice alicepass)
start_cookie_client "$cookie" tun0
kill -INT "$CLIENT_PID"
wait_until 10 process_gone "$CLIENT_PID" || fail "client did not exit on SIGINT"
wait_until 5 grep -q "ended: client logout" "$WORK/server.log" || fail "server did not log the logout"
set +e
oc -C "$cookie" --interface tun1 "https://$SERVER_IP/" >"$WORK/client-reuse.log" 2>&1
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "cookie after SIGINT: expected exit 2, got $rc"
sessions_json | python3 -c 'import json,sys; assert json.load(sys.stdin) == []' || fail "session still listed"
