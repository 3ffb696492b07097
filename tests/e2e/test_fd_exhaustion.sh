#!/usr/bin/env bash
# bulwarkd out of file descriptors: connections beyond what it can hold are
# accepted and closed at once (logged, rate-limited) instead of the listener
# spinning the event loop; once connections go away it serves again. It
# starts with a soft limit below the hard one and raises it to the hard one.
source "$(dirname "$0")/lib.sh"
e2e_setup
add_user alice alicepass
ip netns exec "$NS_S" prlimit --nofile=40:80 "$BIN/bulwarkd" --config "$CONFIG" --foreground \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_until 10 server_listening || fail "bulwarkd did not start listening"
soft=$(awk '/^Max open files/ {print $4}' "/proc/$SERVER_PID/limits")
[[ $soft == 80 ]] || fail "open files soft limit $soft, not raised to the hard limit 80"
grep -q "open files limit 80 " "$WORK/server.log" || fail "the open files limit is not logged"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
# 150 idle TCP connections, held until the test releases them: far more than
# 80 descriptors allow (each costs main one descriptor while its worker waits).
in_client python3 - "$SERVER_IP" "$WORK/release" >"$WORK/flood.txt" 2>&1 <<'PY' &
import os, socket, sys, time
conns = []
for _ in range(150):
    try:
        conns.append(socket.create_connection((sys.argv[1], 443), timeout=2))
    except OSError:
        pass
print("opened", len(conns), flush=True)
deadline = time.time() + 60
while not os.path.exists(sys.argv[2]) and time.time() < deadline:
    time.sleep(0.1)
PY
flood=$!
wait_until 30 grep -qE "out of file descriptors|cannot serve .*: socketpair failed" "$WORK/server.log" ||
  fail "no log line about running out of descriptors"
# Measure while saturated: a spinning accept loop would burn ~200 ticks in 2 s.
before=$(cpu_ticks)
sleep 2
after=$(cpu_ticks)
touch "$WORK/release"
wait "$flood" || true
log "bulwarkd used $((after - before)) ticks in 2 s while out of descriptors"
(((after - before) < 100)) || fail "bulwarkd spun: $((after - before)) ticks in 2 s"
(($(grep -c "cannot serve" "$WORK/server.log") <= 3)) || fail "one log line per refused connection (log flood)"
server_alive || fail "bulwarkd died"
start_client alice alicepass tun0
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no service after the flood"
