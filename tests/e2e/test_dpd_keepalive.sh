#!/usr/bin/env bash
# DPD and keepalive with short timers: the client's CSTP DPD requests are
# answered (it never declares the gateway dead and never reconnects), its
# keepalives are accepted, and the tunnel still carries traffic afterwards.
source "$(dirname "$0")/lib.sh"
e2e_setup
sed -i 's/^dpd = 90$/dpd = 2\nkeepalive = 2/' "$CONFIG"
start_server
add_user alice alicepass
start_client alice alicepass tun0 -v
wait_until 20 grep -q "Got CSTP DPD response" "$WORK/client-tun0.log" || fail "no DPD response seen by the client"
wait_until 20 grep -q "Send CSTP Keepalive" "$WORK/client-tun0.log" || fail "client sent no keepalive"
# Two more DPD rounds after the keepalive: the session survives idle periods.
rounds() { [[ $(grep -c "Got CSTP DPD response" "$WORK/client-tun0.log") -ge 3 ]]; }
wait_until 20 rounds || fail "DPD stopped being answered"
if grep -qE "dead peer|Reconnect|reconnect" "$WORK/client-tun0.log"; then fail "client considered the gateway dead"; fi
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic after idle DPD rounds"
