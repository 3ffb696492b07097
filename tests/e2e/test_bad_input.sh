#!/usr/bin/env bash
# Hostile HTTP, XML and CSTP input: each gets a 4xx (or ends only its own
# tunnel), the server keeps serving, a live tunnel of another user is not
# disturbed, and a canary password never appears in any server output.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
CANARY='Canary-7f3a9c-pass'
add_user alice alicepass
add_user mallory "$CANARY"
start_client alice alicepass tun0
in_client python3 "$SRC/tests/e2e/raw_https.py" "$SERVER_IP" "mallory:$CANARY" >"$WORK/raw.txt" ||
  fail "raw client crashed: $(cat "$WORK/raw.txt")"
cat "$WORK/raw.txt"
expect() {
  grep -qx "$1 $2" "$WORK/raw.txt" || fail "$1: expected $2, got '$(grep "^$1 " "$WORK/raw.txt")'"
}
expect oversized-header 431
expect dotdot 400
expect pct-dotdot 400
expect backslash 400
expect semicolon 400
expect unknown-path 404
expect query-traversal 404
expect bad-content-length 400
expect huge-body 413
expect chunked 501
expect two-lengths 400
expect bad-method 501
expect malformed-xml 400
expect xml-doctype 400
expect xml-deep 400
expect bad-cookie 401
expect no-cookie 401
for c in cstp-bad-magic cstp-bad-type cstp-over-mtu cstp-compressed; do expect $c ENDED; done
# Wrong password with the canary too (must not be logged either).
printf '%s-wrong\n' "$CANARY" | oc -u alice --passwd-on-stdin "https://$SERVER_IP/" >/dev/null 2>&1 || true
server_alive || fail "bulwarkd died"
in_client ping -c 2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "alice's tunnel was disturbed"
kill -0 "$CLIENT_PID" || fail "alice's client was disconnected"
start_client alice alicepass tun1
for n in 431 400 404 413 501 401; do
  grep -q "refused 10.201.0.2:[0-9]*: $n " "$WORK/server.log" || fail "no log line for a $n refusal"
done
grep -q "bad CSTP frame" "$WORK/server.log" || fail "no log line for a bad CSTP frame"
if grep -rq "$CANARY" "$WORK/server.log" "$WORK/run" 2>/dev/null; then fail "canary password found in server output"; fi
