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
assert_sandboxed worker "$pid"
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
