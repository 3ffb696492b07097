#!/usr/bin/env bash
# The worker serving a live tunnel runs as the unprivileged user with no
# capabilities, NO_NEW_PRIVS, a seccomp filter and an empty root directory.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0
pid=$(pgrep -P "$SERVER_PID" -x bulwark-worker | head -1)
[[ -n $pid ]] || fail "no bulwark-worker process"
status=/proc/$pid/status
nobody_uid=$(id -u nobody)
nobody_gid=$(id -g nobody)
grep -qE "^Uid:\s+$nobody_uid\s+$nobody_uid\s+$nobody_uid\s+$nobody_uid$" "$status" || fail "uid: $(grep ^Uid "$status")"
grep -qE "^Gid:\s+$nobody_gid\s+$nobody_gid\s+$nobody_gid\s+$nobody_gid$" "$status" || fail "gid: $(grep ^Gid "$status")"
grep -qE "^Groups:\s*$" "$status" || fail "supplementary groups: $(grep ^Groups "$status")"
grep -qE "^CapEff:\s+0000000000000000$" "$status" || fail "$(grep ^CapEff "$status")"
grep -qE "^CapPrm:\s+0000000000000000$" "$status" || fail "$(grep ^CapPrm "$status")"
grep -qE "^NoNewPrivs:\s+1$" "$status" || fail "$(grep ^NoNewPrivs "$status")"
grep -qE "^Seccomp:\s+2$" "$status" || fail "seccomp filter not active: $(grep ^Seccomp "$status")"
root=$(readlink "/proc/$pid/root")
[[ $root == "$WORK/run/empty" ]] || fail "root is $root"
[[ -z $(ls -A "/proc/$pid/root") ]] || fail "worker root is not empty"
log "worker $pid: uid nobody, CapEff 0, NoNewPrivs 1, Seccomp 2 (filter), root $root (empty)"
# The worker holds no private key: the key file is not among its open files.
if ls -l "/proc/$pid/fd" | grep -q "server-key.pem"; then fail "worker has the key file open"; fi
# The worker's memory holds no private-key bytes; authd's does (this proves
# the scan can find the key where it is).
authd=$(pgrep -P "$SERVER_PID" -x bulwark-authd)
set +e
python3 "$SRC/tests/e2e/scan_memory.py" "$authd" "$WORK/server-key.pem"; in_authd=$?
python3 "$SRC/tests/e2e/scan_memory.py" "$pid" "$WORK/server-key.pem"; in_worker=$?
set -e
[[ $in_authd -eq 0 ]] || fail "memory scan could not find the key in authd (scan broken? rc $in_authd)"
[[ $in_worker -eq 1 ]] || fail "private key bytes found in the worker's memory (rc $in_worker)"
