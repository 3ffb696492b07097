#!/usr/bin/env bash
# Signed emergency mitigation policies, applied without a restart:
#  - a policy blocking the login path takes effect at once (403) while a live
#    tunnel keeps working; `bulwarkctl status` shows its version;
#  - the same or an older version, another key's signature, an edited policy
#    and an unsigned one are all refused;
#  - disable_dtls gives new tunnels no DTLS; disable_new_logins refuses logins
#    with a clear message while cookie reconnects still work;
#  - a config reload leaves the policy in force;
#  - a restart keeps the policy in force, and a tampered persisted policy
#    stops the start with a clear error.
source "$(dirname "$0")/lib.sh"
e2e_setup
REL=$WORK/release   # stands for the release machine: the key never goes to the gateway
mkdir -m 700 "$REL"
"$BIN/bulwark-release" keygen --private "$REL/release.key" --public "$WORK/release.pub"
"$BIN/bulwark-release" keygen --private "$REL/other.key" --public "$REL/other.pub"
printf '\n[integrity]\nrelease_pubkey = "%s"\n' "$WORK/release.pub" >>"$CONFIG"
start_server
add_user alice alicepass
add_user bob bobpass
start_client alice alicepass tun0

# policy VERSION KEY LINES...: writes and signs a policy, prints its path.
policy() {
  local v=$1 key=$2
  shift 2
  printf 'version = %s\nreason = "e2e test %s"\n' "$v" "$v" >"$REL/p$v-$key.toml"
  printf '%s\n' "$@" >>"$REL/p$v-$key.toml"
  rm -f "$REL/p$v-$key.signed"
  "$BIN/bulwark-release" sign-policy --key "$REL/$key.key" --in "$REL/p$v-$key.toml" \
    --out "$REL/p$v-$key.signed" >&2
  echo "$REL/p$v-$key.signed"
}
refused() {  # refused FILE EXPECTED-ERROR
  if "${CTL[@]}" mitigation apply "$1" 2>"$WORK/err.txt"; then fail "policy $1 was applied"; fi
  grep -qF "$2" "$WORK/err.txt" || fail "expected '$2', got: $(cat "$WORK/err.txt")"
}
status_version() { "${CTL[@]}" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["mitigation"]["version"])'; }
login_fails_with() {  # login_fails_with USER PASS EXPECTED-TEXT
  set +e
  printf '%s\n' "$2" | oc -u "$1" --passwd-on-stdin --authenticate "https://$SERVER_IP/" >"$WORK/client-refused.log" 2>&1
  local rc=$?
  set -e
  [[ $rc -ne 0 ]] || fail "$1 logged in despite the policy"
  grep -qF "$3" "$WORK/client-refused.log" || fail "expected '$3' in the client output"
}

[[ $(status_version) == 0 ]] || fail "a fresh gateway reports a policy"
log "v1 blocks the login path at once"
"${CTL[@]}" mitigation apply "$(policy 1 release 'blocked_paths = ["/"]')" | grep -q "version 1 applied" ||
  fail "v1 not applied"
[[ $(status_version) == 1 ]] || fail "status does not show version 1"
login_fails_with bob bobpass "403"
in_client ping -c 1 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "the live tunnel broke"
grep -q "audit mitigation.apply .*version 1" "$WORK/server.log" || fail "apply not audited"

log "a config reload does not undo the policy"
sed -i 's/^cookie = 300/cookie = 301/' "$CONFIG"
"${CTL[@]}" reload | grep -q "changed timeouts.cookie" || fail "the reload was not applied"
[[ $(status_version) == 1 ]] || fail "the reload dropped the policy"
login_fails_with bob bobpass "403"

log "older, same, foreign, edited and unsigned policies are refused"
refused "$(policy 1 release 'disable_dtls = true')" "version 1 is not above the active version 1"
refused "$(policy 5 other 'blocked_paths = []')" "bad signature"
sed 's/^blocked_paths = \["\/"\]/blocked_paths = []/' "$(policy 6 release 'blocked_paths = ["/"]')" >"$REL/edited"
refused "$REL/edited" "bad signature"
printf 'version = 7\nreason = "unsigned"\n' >"$REL/unsigned"
refused "$REL/unsigned" "no signature line"
[[ $(status_version) == 1 ]] || fail "a refused policy changed the active version"
grep -q "audit mitigation.refused" "$WORK/server.log" || fail "refusal not audited"

log "v8 turns DTLS off for new tunnels"
"${CTL[@]}" mitigation apply "$(policy 8 release 'disable_dtls = true')" >/dev/null
start_client bob bobpass tun1
grep -q "Established DTLS" "$WORK/client-tun1.log" && fail "DTLS offered despite disable_dtls"
in_client ping -c 1 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic over TLS"

log "v9 refuses new logins; a cookie reconnect still works"
cookie=$(get_cookie alice alicepass)
"${CTL[@]}" mitigation apply "$(policy 9 release 'disable_new_logins = true')" >/dev/null
login_fails_with bob bobpass "Logins are disabled by the administrator."
start_cookie_client "$cookie" tun2

log "a restart keeps v9; a tampered persisted policy stops the start"
kill -TERM "$SERVER_PID"
wait_until 10 process_gone "$SERVER_PID" || fail "bulwarkd did not stop"
in_client ip link del tun0 2>/dev/null || true
start_server
[[ $(status_version) == 9 ]] || fail "the restart lost the policy"
login_fails_with bob bobpass "Logins are disabled by the administrator."
kill -TERM "$SERVER_PID"
wait_until 10 process_gone "$SERVER_PID" || fail "bulwarkd did not stop"
cp "$(policy 10 other 'blocked_paths = []')" "$WORK/state/mitigation.policy"
set +e
ip netns exec "$NS_S" "$BIN/bulwarkd" --config "$CONFIG" --foreground >"$WORK/tampered.log" 2>&1
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "bulwarkd started with a tampered mitigation policy"
grep -q "mitigation.policy: policy refused: bad signature" "$WORK/tampered.log" ||
  fail "no clear error: $(cat "$WORK/tampered.log")"
