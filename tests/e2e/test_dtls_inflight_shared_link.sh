#!/usr/bin/env bash
# DTLS in-flight gate on a link shared with other traffic (packet/inflight_gate.h,
# docs/design/dataplane.md): the gateway's side of the link is 100 Mbit/s
# with a 300 ms queue (tbf). A download through the tunnel over DTLS runs
# alone for about 2 s, then a plain TCP download outside the tunnel joins it
# for 10 s (CUBIC senders with large buffers, so both could fill the queue).
# The gate holds the tunnel's own queue short, so neither starves: each must
# get at least a fifth of the link while they share it. Without the gate the
# tunnel, there first, fills the 300 ms queue and the newcomer gets a few
# Mbit/s (dataplane.md).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass

if ! grep -qw cubic /proc/sys/net/ipv4/tcp_available_congestion_control; then
  log "SKIP: this kernel offers no CUBIC congestion control"
  exit 0
fi
if ! in_server tc qdisc add dev "vs$TAG" root tbf rate 100mbit burst 64kb latency 300ms \
  2>"$WORK/tc.err"; then
  log "SKIP: this kernel has no tbf qdisc: $(cat "$WORK/tc.err")"
  exit 0
fi
SHARED=10   # seconds both downloads run
MIN_MBITS=20

# sink ADDRESS PORT OUT: counts what one connection brings (client side). OUT
# gets "listening", then "SECONDS BYTES" lines (monotonic clock) about every
# 0.1 s, then "done".
sink() {
  in_client python3 -c '
import socket, sys, time
s = socket.create_server((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
print("listening", flush=True)
c, _ = s.accept()
n, due = 0, 0.0
while data := c.recv(1 << 16):
    n += len(data)
    if (t := time.monotonic()) >= due:
        print(f"{t:.3f} {n}", flush=True)
        due = t + 0.1
print(f"{time.monotonic():.3f} {n}", flush=True)
print("done", flush=True)
' "$1" "$2" >"$3" &
  PIDS+=($!)
  wait_until 10 grep -q listening "$3" || fail "sink on $1:$2 did not start"
}

# send_for ADDRESS PORT SECONDS OUT: CUBIC from the gateway's side for
# SECONDS; OUT gets its start and end (monotonic clock).
send_for() {
  in_server python3 -c '
import socket, sys, time
c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
start = time.monotonic()
buf = bytes(1 << 16)
while time.monotonic() < start + float(sys.argv[3]):
    c.send(buf)
c.close()
print(f"{start:.3f} {time.monotonic():.3f}", flush=True)
' "$1" "$2" "$3" >"$4"
}

# mbits_between OUT FROM TO: Mbit/s a sink's connection brought between two
# moments (its samples nearest inside them).
mbits_between() {
  awk -v a="$2" -v b="$3" '$1 ~ /^[0-9.]+$/ && NF == 2 {
      if ($1 >= a && t0 == "") { t0 = $1; n0 = $2 }
      if ($1 <= b) { t1 = $1; n1 = $2 } }
    END { if (t0 == "" || t1 <= t0) print 0; else printf "%d", (n1 - n0) * 8 / (t1 - t0) / 1e6 }' "$1"
}

start_client alice alicepass tun0
wait_until 20 grep -q "DTLS established" "$WORK/server.log" || fail "DTLS did not come up"
tip=$(tunnel_ip tun0)
sink "$tip" 5400 "$WORK/tunnel.out"
sink "$CLIENT_IP" 5401 "$WORK/plain.out"
send_for "$tip" 5400 $((SHARED + 3)) "$WORK/tunnel.src" &
tunnel_src=$!
PIDS+=($tunnel_src)
wait_until 10 eval '[[ $(grep -c . "$WORK/tunnel.out") -ge 20 ]]' || fail "the tunnel's download did not start"
send_for "$CLIENT_IP" 5401 "$SHARED" "$WORK/plain.src" || fail "the plain download failed"
wait "$tunnel_src" || fail "the tunnel's download failed"
wait_until 20 grep -q done "$WORK/tunnel.out" || fail "the tunnel's sink did not finish"
wait_until 20 grep -q done "$WORK/plain.out" || fail "the plain sink did not finish"

# The second half of the shared time: both have had 5 s to find their share.
read -r from to <"$WORK/plain.src"
half=$(awk -v a="$from" -v b="$to" 'BEGIN { printf "%.3f", (a + b) / 2 }')
tunnel=$(mbits_between "$WORK/tunnel.out" "$half" "$to")
plain=$(mbits_between "$WORK/plain.out" "$half" "$to")
end_tunnel_log "DTLS in-flight gate: "
log "sharing the link: tunnel $tunnel Mbit/s, plain download $plain Mbit/s;" \
  "gate: ${END_LINE#*DTLS in-flight gate: }"
((tunnel >= MIN_MBITS)) || fail "the tunnel got $tunnel Mbit/s of the shared link (at least $MIN_MBITS expected)"
((plain >= MIN_MBITS)) || fail "the plain download got $plain Mbit/s beside the tunnel (at least $MIN_MBITS expected)"
