#!/usr/bin/env bash
# DPD and keepalive with short timers, on both channels: the client's DPD
# requests are answered (it never declares the gateway dead and never
# reconnects), its keepalives are accepted, and the tunnel still carries
# traffic afterwards. CSTP with --no-dtls, then DTLS.
source "$(dirname "$0")/lib.sh"
e2e_setup
sed -i "s/^dpd = 90$/dpd = 3\\nkeepalive = 1/" "$CONFIG"  # keepalive < dpd, or DPD traffic resets it
start_server
add_user alice alicepass

CHAN_LOG="" CHAN=""
rounds() { [[ $(grep -c "Got $CHAN DPD response" "$CHAN_LOG") -ge 3 ]]; }
check_channel() {  # check_channel IFACE CSTP|DTLS
  CHAN_LOG=$WORK/client-$1.log CHAN=$2
  local log=$CHAN_LOG
  wait_until 20 grep -q "Send $2 Keepalive" "$log" || fail "$2: client sent no keepalive"
  wait_until 20 rounds || fail "$2: DPD requests not answered"
  if grep -qE "Dead Peer|Reconnect|reconnect" "$log"; then fail "$2: client considered the gateway dead"; fi
  in_client ping -c 1 -W 2 -I "$1" "$GATEWAY_TUN_IP" >/dev/null || fail "$2: no traffic after idle rounds"
}

start_client alice alicepass tun0 -v --no-dtls
check_channel tun0 CSTP
kill -INT "$CLIENT_PID"
wait_until 10 process_gone "$CLIENT_PID"
start_client alice alicepass tun1 -v
grep -q "Established DTLS" "$WORK/client-tun1.log" || fail "no DTLS for the second client"
check_channel tun1 DTLS
