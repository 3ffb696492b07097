#!/usr/bin/env bash
# A secret the user typed is nowhere after login: log in with a password and a
# one-time-code attempt that each carry a random canary (then the right code),
# keep the tunnel up, and search every server log, the state directory, /tmp
# and /run, the live memory and a gcore of main and the worker:
# zero occurrences. Core dumps are off for every role, and a process of the
# worker's own uid cannot gcore the (non-dumpable) worker, and nobody, root
# included, can gcore authd (main is its tracer). authd's memory is
# locked (no secrets in swap).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
PW_CANARY="PwCanary$(openssl rand -hex 12)"
OTP_CANARY="OtpCanary$(openssl rand -hex 12)"
add_user carol "$PW_CANARY"
secret=$("${CTL[@]}" user totp enable carol --no-qr | sed -n 's/^secret: //p')
# A wrong code carrying the canary (refused), then a real login.
set +e
printf '%s\n' "$PW_CANARY" | oc -u carol --passwd-on-stdin --authenticate \
  --form-entry "totp:secondary_password=$OTP_CANARY" "https://$SERVER_IP/" >"$WORK/client-wrongotp.log" 2>&1
set -e
grep -q "Wrong code" "$WORK/client-wrongotp.log" || fail "the canary code was not refused as a wrong code"
start_client carol "$PW_CANARY" tun0 --token-mode=totp --token-secret="base32:$secret"
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic"

# Files: every log and state file of this server, and /tmp and /run as a whole.
hits=$(grep -rlaF -e "$PW_CANARY" -e "$OTP_CANARY" "$WORK" /tmp /run 2>/dev/null |
  grep -v "^$WORK/client" || true)
[[ -z $hits ]] || fail "canary found in: $hits"

# The scanner finds a canary where there is one (a process holding it in argv).
python3 -c 'import time; time.sleep(60)' "$PW_CANARY" &
holder=$!
PIDS+=("$holder")
holder_runs_python() { grep -qaF "$PW_CANARY" "/proc/$holder/cmdline"; }
wait_until 10 holder_runs_python || fail "the canary holder did not start"
n=$(python3 "$SRC/tests/e2e/count_in_memory.py" "$holder" "$PW_CANARY")
[[ $n -gt 0 ]] || fail "memory scan cannot find a canary that is there"
kill "$holder"

main=$SERVER_PID
authd=$(pgrep -P "$SERVER_PID" -x bulwark-authd)
worker=$(worker_pids | head -1)
zygote=$(zygote_pid)
[[ -n $authd && -n $worker && -n $zygote ]] || fail "roles not found"
for role in main authd zygote worker; do
  pid=${!role}
  grep -qE "^Max core file size +0 +0 " "/proc/$pid/limits" || fail "$role may dump core: $(grep core "/proc/$pid/limits")"
  n=$(python3 "$SRC/tests/e2e/count_in_memory.py" "$pid" "$PW_CANARY" "$OTP_CANARY") ||
    fail "could not read $role memory"
  [[ $n -eq 0 ]] || fail "canary found $n times in the memory of $role"
  if [[ $role == authd ]]; then
    # main traces authd, so nobody else can attach to it, root included.
    if gcore -o "$WORK/core-$role" "$pid" >"$WORK/gcore-authd.log" 2>&1; then
      fail "gcore of authd succeeded"
    fi
    grep -q "ptrace: Operation not permitted" "$WORK/gcore-authd.log" ||
      fail "gcore of authd failed for another reason: $(cat "$WORK/gcore-authd.log")"
    ! ls "$WORK/core-$role".* >/dev/null 2>&1 || fail "gcore of authd left a core file"
    log "authd ($pid): no core dumps, canary in memory 0 times, gcore refused even for root"
    continue
  fi
  gcore -o "$WORK/core-$role" "$pid" >/dev/null 2>&1 || fail "gcore of $role failed (as root)"
  core=$(ls "$WORK/core-$role".* | head -1)
  [[ -s $core ]] || fail "no gcore file for $role"
  ! grep -qaF -e "$PW_CANARY" -e "$OTP_CANARY" "$core" || fail "canary in the gcore of $role"
  rm -f "$core"
  log "$role ($pid): no core dumps, canary in memory 0 times, not in its gcore"
done
grep -qE "^Seccomp:\s+2$" "/proc/$worker/status" || fail "worker has no seccomp filter"
grep -qE "^Seccomp:\s+2$" "/proc/$authd/status" || fail "authd has no seccomp filter"
grep -qE "^VmLck:\s+[1-9][0-9]* kB" "/proc/$authd/status" || fail "authd memory not locked: $(grep VmLck "/proc/$authd/status")"
grep -qE "^VmLck:\s+[1-9][0-9]* kB" "/proc/$authd/status" && log "authd memory locked: $(grep VmLck "/proc/$authd/status")"
# The same uid as the worker cannot attach to it (PR_SET_DUMPABLE 0).
mkdir -m 1777 "$WORK/nobody"
if setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups gcore -o "$WORK/nobody/core" "$worker" \
  >"$WORK/gcore-nobody.log" 2>&1 && ls "$WORK"/nobody/core.* >/dev/null 2>&1; then
  fail "an unprivileged process of the worker's uid could gcore the worker"
fi
grep -q "ptrace: Operation not permitted" "$WORK/gcore-nobody.log" ||
  fail "gcore as nobody failed for another reason: $(cat "$WORK/gcore-nobody.log")"
log "gcore of the worker by its own uid: refused"
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "tunnel broken after the gcores"
