#!/usr/bin/env bash
# The worker serving a live tunnel runs as the unprivileged user with no
# capabilities, NO_NEW_PRIVS, a seccomp filter and an empty root directory.
# So does the worker zygote it was forked from, and the worker runs one
# filter more than the zygote (the worker's own, stacked on the zygote's).
# With worker_launch = "exec" the worker is sandboxed the same way.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0
pid=$(worker_pids | head -1)
zygote=$(zygote_pid)
[[ -n $pid ]] || fail "no bulwark-worker process"
[[ -n $zygote ]] || fail "no worker zygote"
kill -0 "$zygote" || fail "zygote $zygote is not running"
assert_sandboxed worker "$pid"
assert_sandboxed zygote "$zygote"
filters() { awk '/^Seccomp_filters:/{print $2}' "/proc/$1/status"; }
[[ $(filters "$pid") -eq $(($(filters "$zygote") + 1)) ]] ||
  fail "worker runs $(filters "$pid") filters, zygote $(filters "$zygote"): the worker's own is not stacked"
[[ $(awk '/^Max processes/{print $3}' "/proc/$pid/limits") == 0 ]] ||
  fail "forked worker may create processes: $(grep '^Max processes' "/proc/$pid/limits")"
# The worker holds no private key: the key file is not among its open files.
if ls -l "/proc/$pid/fd" | grep -q "server-key.pem"; then fail "worker has the key file open"; fi
# The worker's memory holds no private-key bytes; authd's does (this proves
# the scan can find the key where it is).
authd=$(pgrep -P "$SERVER_PID" -x bulwark-authd)
set +e
python3 "$SRC/tests/e2e/scan_memory.py" "$authd" "$WORK/server-key.pem"; in_authd=$?
python3 "$SRC/tests/e2e/scan_memory.py" "$pid" "$WORK/server-key.pem"; in_worker=$?
python3 "$SRC/tests/e2e/scan_memory.py" "$zygote" "$WORK/server-key.pem"; in_zygote=$?
set -e
[[ $in_authd -eq 0 ]] || fail "memory scan could not find the key in authd (scan broken? rc $in_authd)"
[[ $in_worker -eq 1 ]] || fail "private key bytes found in the worker's memory (rc $in_worker)"
[[ $in_zygote -eq 1 ]] || fail "private key bytes found in the zygote's memory (rc $in_zygote)"

# The zygote shows in `bulwarkctl status`. Killed, it takes no tunnel with
# it, the next client is served (by an exec'd worker if it comes within the
# restart interval), and a new zygote starts by itself within about a second
# (main's timer, not the next connection, restarts it).
status=$("${CTL[@]}" status --json)
python3 -c '
import json, sys
w = json.loads(sys.argv[2])["workers"]
assert w["launch"] == "fork" and w["zygote_pid"] == int(sys.argv[1]) and w["forks_by_this_zygote"] >= 1, w
' "$zygote" "$status" || fail "status does not show the zygote: $status"
first_client=$CLIENT_PID
kill -KILL "$zygote"
wait_until 5 grep -q "worker zygote (pid $zygote) exited unexpectedly" "$WORK/server.log" ||
  fail "main did not notice the zygote's death"
in_client ping -c 1 -W 2 -I tun0 "$GATEWAY_TUN_IP" >/dev/null || fail "the zygote's death broke a tunnel"
start_client alice alicepass tun2
in_client ping -c 1 -W 2 -I tun2 "$GATEWAY_TUN_IP" >/dev/null || fail "no tunnel after the zygote died"
wait_until 10 log_lines_at_least 2 "zygote: ready" || fail "no new zygote"
log "zygote killed: tunnels kept, next client served, zygote $(zygote_pid) replaced it"

# The same with a worker exec'd per connection.
for c in "$first_client" "$CLIENT_PID"; do
  kill -TERM "$c"
  wait_until 10 process_gone "$c" || fail "client $c did not stop"
done
sed -i '/^worker_user/a worker_launch = "exec"' "$CONFIG"
kill -TERM "$SERVER_PID"
wait_until 10 process_gone "$SERVER_PID" || fail "bulwarkd did not stop"
start_server
start_client alice alicepass tun1
pid=$(pgrep -P "$SERVER_PID" -x bulwark-worker | head -1)
[[ -n $pid ]] || fail "no exec'd bulwark-worker process"
! pgrep -P "$SERVER_PID" -f -- --zygote >/dev/null || fail "a zygote runs in exec mode"
assert_sandboxed "exec'd worker" "$pid"
in_client ping -c 1 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic through an exec'd worker"
