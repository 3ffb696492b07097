#!/usr/bin/env bash
# What an attacker who runs code inside a worker gets: nothing.
# inject_syscall.py (ptrace) makes the live worker of one client run
# openat("/etc/passwd"), execve("/bin/sh"), socket(), fork (clone with
# SIGCHLD) and the one clone the worker zygote may make
# (CLONE_PARENT|SIGCHLD), as an exploit would; each call kills that worker with SIGSYS,
# main logs it, and the 5 other tunnels keep passing traffic without a
# reconnect. A worker crashing (SIGSEGV) is contained the same way. Every
# such death replaces the zygote, so the next workers get a fresh
# address-space layout (no probing the layout one crash at a time).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
export E2E_NO_ROUTES=1
N=6
declare -a OCPID
oc_cmd
for i in $(seq 1 $N); do
  "${OC[@]}" -u alice --passwd-on-stdin --interface "bt$i" "https://$SERVER_IP/" \
    <<<alicepass >"$WORK/client-bt$i.log" 2>&1 &
  OCPID[$i]=$!
  PIDS+=($!)
done
all_up() { for i in $(seq 1 $N); do [[ -s $WORK/up.bt$i ]] || return 1; done; }
wait_until 60 all_up || fail "not all clients came up"

# The worker serving client i: match its TCP peer port with the client's.
worker_of() {
  local port
  port=$(in_client ss -Htnp state established | grep "pid=${OCPID[$1]}," | awk '{print $3}' | sed 's/.*://')
  [[ -n $port ]] || return 1
  in_server ss -Htnp state established | grep -F ":$port " | grep -o 'bulwark-worker",pid=[0-9]*' |
    sed 's/.*pid=//' | head -1
}
bystanders_ok() {
  for i in $(seq 2 $N); do in_client ping -c 1 -W 2 -I "bt$i" "$GATEWAY_TUN_IP" >/dev/null || return 1; done
}
victim_up() { in_client ping -c 1 -W 1 -I bt1 "$GATEWAY_TUN_IP"; }

attempt=0
zygotes() { grep -c "zygote: ready" "$WORK/server.log" || true; }
# The injection itself works: an allowed call (getpid, 39) runs in the worker
# and returns its pid, and the worker goes on serving its tunnel.
wait_until 30 victim_up || fail "client 1 has no tunnel"
w=$(worker_of 1) || fail "cannot find client 1's worker"
got=$(python3 "$SRC/tests/e2e/inject_syscall.py" "$w" 39 2>&1) || fail "cannot inject getpid: $got"
[[ $got == "returned $w" ]] || fail "getpid injected into worker $w: $got"
victim_up >/dev/null || fail "client 1's tunnel broke after an allowed injected call"
log "getpid injected into worker $w: $got; its tunnel still passes pings"

# x86_64 numbers: openat 257 (AT_FDCWD = -100), execve 59, socket 41, clone 56.
for call in '257 -100 s:/etc/passwd 0' '59 s:/bin/sh 0 0' '41 2 1 0' '56 17 0 0 0 0' \
  '56 0x8011 0 0 0 0'; do
  attempt=$((attempt + 1))
  wait_until 30 victim_up || fail "client 1 has no tunnel before attempt $attempt"
  w=$(worker_of 1) || fail "cannot find client 1's worker"
  # shellcheck disable=SC2086 # the number and arguments are separate words
  got=$(python3 "$SRC/tests/e2e/inject_syscall.py" "$w" $call 2>&1) || fail "cannot inject syscall $call: $got"
  [[ $got == "killed by SIGSYS" ]] || fail "syscall $call did not die by SIGSYS: $got"
  wait_until 5 log_lines_at_least $attempt "killed by its seccomp policy" || fail "main did not log the seccomp kill of $call"
  ! kill -0 "$w" 2>/dev/null || fail "worker $w survived $call"
  bystanders_ok || fail "other tunnels disturbed after $call"
  # The client reconnects through a new zygote (one "ready" line per zygote).
  wait_until 30 victim_up || fail "client 1 has no tunnel after $call"
  wait_until 10 log_lines_at_least $((attempt + 1)) "zygote: ready" || fail "zygote not replaced after $call ($(zygotes) started)"
  log "syscall $call in worker $w: killed by seccomp; 5 other tunnels fine; zygote replaced"
done

# Crash containment: a worker dying from SIGSEGV.
wait_until 30 victim_up || fail "client 1 did not reconnect"
w=$(worker_of 1)
kill -SEGV "$w"
wait_until 5 grep -q "died from signal 11" "$WORK/server.log" || fail "main did not report the crash"
bystanders_ok || fail "other tunnels disturbed by a crashing worker"
server_alive || fail "bulwarkd died"
for i in $(seq 2 $N); do
  if grep -qiE "reconnect" "$WORK/client-bt$i.log"; then fail "bystander bt$i had to reconnect"; fi
done
wait_until 30 victim_up || fail "client 1 could not reconnect after its worker was killed"
# Every kill and the crash are in the hash-chained audit log, which verifies.
[[ $(grep -c '"event":"worker.sandbox_kill"' "$WORK/audit.jsonl") -eq $attempt ]] || fail "sandbox kills not audited"
grep -q '"event":"worker.crash".*"signal":"11"' "$WORK/audit.jsonl" || fail "crash not audited"
"${CTL[@]}" audit verify "$WORK/audit.jsonl" | grep -q "^OK" || fail "audit chain broken"
