#!/usr/bin/env bash
# A users file written by ocserv's ocpasswd (crypt $5$/$6$ hashes) works as
# is; bulwarkctl can lock, unlock and re-hash such users (Argon2id).
source "$(dirname "$0")/lib.sh"
e2e_setup
printf 'carolpass\ncarolpass\n' | ocpasswd -c "$WORK/users" carol
grep -qE '^carol:\*:\$[56]\$' "$WORK/users" || fail "ocpasswd did not write a crypt hash: $(cat "$WORK/users")"
start_server
start_client carol carolpass tun0
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic for the migrated user"
kill -INT "$CLIENT_PID"; wait_until 10 process_gone "$CLIENT_PID"
"${CTL[@]}" user lock carol >/dev/null
set +e
printf 'carolpass\n' | oc -u carol --passwd-on-stdin "https://$SERVER_IP/" >"$WORK/client-locked.log" 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "a locked user logged in"
"${CTL[@]}" user unlock carol >/dev/null
printf 'newpass\n' | "${CTL[@]}" user passwd carol --password-stdin >/dev/null
grep -q '^carol:\*:\$argon2id\$' "$WORK/users" || fail "passwd did not store Argon2id"
"${CTL[@]}" user list | grep -qE "^carol +active +no +argon2id" || fail "user list: $("${CTL[@]}" user list)"
start_client carol newpass tun1
"${CTL[@]}" user del carol >/dev/null
"${CTL[@]}" user list | grep -q carol && fail "deleted user still listed"
if "${CTL[@]}" user del carol 2>"$WORK/err.txt"; then fail "deleting a missing user succeeded"; fi
grep -q "no such user carol" "$WORK/err.txt" || fail "unclear error: $(cat "$WORK/err.txt")"
