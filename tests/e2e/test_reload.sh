#!/usr/bin/env bash
# Configuration reload without dropping sessions (`bulwarkctl reload` and
# SIGHUP):
#  - live keys (DNS for new tunnels, the login back-off threshold) take effect
#    for new logins while an existing tunnel keeps passing traffic;
#  - a config with a syntax error, or one that changes a restart-only key
#    (the port), is refused with the reason and nothing changes;
#  - every reload, applied or refused, is in the audit log, which verifies;
#  - an applied reload replaces the worker zygote (a new bulwark-worker
#    binary takes effect), and the new tunnel after it comes from the new one.
source "$(dirname "$0")/lib.sh"
e2e_setup "" "max_failures = 5"
start_server
add_user alice alicepass
add_user bob bobpass
start_client alice alicepass tun0
in_client ping -c 2 -i 0.2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic before the reload"
session_before=$(session_field 0 id)
CTL_SOCK=("$BIN/bulwarkctl" --socket "$WORK/run/control.sock")  # works while the file is broken
generation() { "${CTL_SOCK[@]}" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["generation"])'; }
[[ $(generation) == 1 ]] || fail "a fresh gateway is not at generation 1"

log "live keys: new DNS and max_failures = 1"
cp "$CONFIG" "$WORK/good.toml"
sed -i -e "s/^dns = .*/dns = [\"10.99.0.53\"]/" -e "s/^max_failures = 5/max_failures = 1/" "$CONFIG"
out=$("${CTL[@]}" reload) || fail "reload refused: $out"
[[ $out == "configuration reloaded (generation 2): changed network.dns, auth.max_failures" ]] ||
  fail "unexpected reload output: $out"
[[ $(generation) == 2 ]] || fail "status does not show generation 2"
kill -0 "$CLIENT_PID" || fail "the reload dropped the client"
[[ $(session_field 0 id) == "$session_before" ]] || fail "the session changed"
in_client ping -c 2 -i 0.2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "the live tunnel broke on reload"
[[ $(cat "$WORK/dns.tun0") == "$GATEWAY_TUN_IP" ]] || fail "the old tunnel's DNS changed"
grep -q "replacing the worker zygote (pid [0-9]*): configuration reloaded" "$WORK/server.log" ||
  fail "the reload did not replace the worker zygote"
wait_until 10 log_lines_at_least 2 "zygote: ready" || fail "no new zygote after the reload"
start_client bob bobpass tun1
[[ $(cat "$WORK/dns.tun1") == "10.99.0.53" ]] || fail "a new tunnel got DNS $(cat "$WORK/dns.tun1")"
# bob's worker is a child of main forked from the new zygote (its
# cmdline, copied from the zygote, says --zygote), and the old zygote is gone.
bob_worker=$(worker_pids | tail -1)
grep -q -- "--zygote" "/proc/$bob_worker/cmdline" || fail "bob's worker was not forked by a zygote"
[[ $(pgrep -P "$SERVER_PID" -f -- "--zygote" | wc -l) -eq 3 ]] ||
  fail "expected the new zygote and two forked workers, got: $(pgrep -a -P "$SERVER_PID")"
set +e
printf 'wrong\n' | oc -u carol --passwd-on-stdin --authenticate "https://$SERVER_IP/" >/dev/null 2>&1
set -e
carol_banned() { "${CTL[@]}" bans --json | grep -q '"carol"'; }
wait_until 10 carol_banned || fail "one failure did not start a back-off (max_failures = 1)"

log "a syntax error is refused with its line; nothing changes"
cp "$CONFIG" "$WORK/live.toml"
printf '[network\n' >>"$CONFIG"
# bulwarkctl itself reads the config to find the socket, and stops there...
if "${CTL[@]}" reload 2>"$WORK/err.txt"; then fail "a broken config was applied"; fi
grep -q "bulwark.toml:[0-9]*: " "$WORK/err.txt" || fail "no file:line in: $(cat "$WORK/err.txt")"
# ...and the gateway refuses it too when asked directly.
if "${CTL_SOCK[@]}" reload 2>"$WORK/err.txt"; then
  fail "a broken config was applied"
fi
grep -q "reload refused, the running configuration stays: .*bulwark.toml:[0-9]*: " "$WORK/err.txt" ||
  fail "no file:line in: $(cat "$WORK/err.txt")"
[[ $(generation) == 2 ]] || fail "a refused reload changed the generation"

log "a restart-only key is refused by name"
cp "$WORK/live.toml" "$CONFIG"
sed -i -e "s/^port = 443/port = 8443/" -e "s/^dns = .*/dns = [\"10.99.0.54\"]/" "$CONFIG"
if "${CTL[@]}" reload 2>"$WORK/err.txt"; then fail "a port change was applied"; fi
grep -qF "server.port changed; that needs a restart (nothing was applied)" "$WORK/err.txt" ||
  fail "unexpected error: $(cat "$WORK/err.txt")"
[[ $(generation) == 2 ]] || fail "a refused reload changed the generation"

log "SIGHUP reloads too"
cp "$WORK/good.toml" "$CONFIG"
kill -HUP "$SERVER_PID"
gen3() { [[ $(generation) == 3 ]]; }
wait_until 10 gen3 || fail "SIGHUP did not reload"
server_alive || fail "SIGHUP stopped the server"
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "the live tunnel broke on SIGHUP"
kill -0 "$CLIENT_PID" || fail "SIGHUP dropped the client"

A=$WORK/audit.jsonl
[[ $(grep -c '"event":"config.reload"' "$A") == 4 ]] || fail "expected 4 config.reload records (2 applied, 2 refused)"
grep '"event":"config.reload"' "$A" | grep -q '"outcome":"refused".*server.port' ||
  fail "the refused port change is not audited"
grep '"event":"config.reload"' "$A" | grep -q '"by":"SIGHUP".*"outcome":"applied"\|"outcome":"applied".*"by":"SIGHUP"' ||
  fail "the SIGHUP reload is not audited"
"${CTL[@]}" audit verify "$A" | grep -q "^OK" || fail "the audit log does not verify"
