#!/usr/bin/env bash
# A reconnect with the same cookie gets the same tunnel address: after the
# client is killed (no BYE) and with `-C`, and after SIGUSR2 (the client's
# own reconnect, which aborts if the address changes).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
add_user bob bobpass
cookie=$(get_cookie alice alicepass)
start_cookie_client "$cookie" tun0
first=$(tunnel_ip tun0)
kill -KILL "$CLIENT_PID"
wait_until 5 process_gone "$CLIENT_PID"
in_client ip link del tun0 2>/dev/null || true
start_client bob bobpass tun2   # another user must not take alice's address
[[ $(tunnel_ip tun2) != "$first" ]] || fail "bob got alice's reserved address"
start_cookie_client "$cookie" tun1
[[ $(tunnel_ip tun1) == "$first" ]] || fail "reconnect got $(tunnel_ip tun1), expected $first"
in_client ping -c 1 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic after reconnect"
rm -f "$WORK/up.tun1"
kill -USR2 "$CLIENT_PID"
wait_until 20 test -s "$WORK/up.tun1" || fail "no reconnect after SIGUSR2"
grep -q "User requested reconnect" "$WORK/client-tun1.log" || fail "client did not reconnect"
[[ $(tunnel_ip tun1) == "$first" ]] || fail "SIGUSR2 reconnect changed the address"
wait_until 10 in_client ping -c 1 -W 1 -I tun1 "$GATEWAY_TUN_IP" || fail "no traffic after SIGUSR2 reconnect"
kill -0 "$CLIENT_PID" || fail "client gave up after reconnect"
