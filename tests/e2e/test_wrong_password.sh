#!/usr/bin/env bash
# A wrong password is refused with the server's message; three wrong answers
# on one connection end in HTTP 401; the right password still works after.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
set +e
printf 'wrong\n' | oc -u alice --passwd-on-stdin "https://$SERVER_IP/" >"$WORK/client-wrong.log" 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "openconnect accepted a wrong password"
grep -q "Login failed." "$WORK/client-wrong.log" || fail "no 'Login failed.' message for the user"
# Three attempts on one connection (the form fields are answered from stdin).
set +e
printf 'alice\nwrong1\nalice\nwrong2\nalice\nwrong3\n' |
  in_client env E2E_STATE_DIR="$WORK" openconnect --servercert "$PIN" --passwd-on-stdin \
    --script "$SRC/tests/e2e/tunscript.sh" "https://$SERVER_IP/" >"$WORK/client-three.log" 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "three wrong passwords were not refused"
grep -q "401" "$WORK/client-three.log" || fail "no HTTP 401 after three failures"
grep -q "login failed user=alice .*reason=wrong password attempt=3" "$WORK/server.log" || fail "authd did not count 3 attempts"
start_client alice alicepass tun0
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "right password did not give a working tunnel"
