#!/usr/bin/env bash
# The audit log: logins (success and failure, never the secret), tunnels with
# their bytes, admin actions and session ends become hash-chained JSON lines,
# and each is streamed to a real syslog collector (rsyslog, on the server
# namespace's loopback) with its sequence number. `bulwarkctl audit verify`
# accepts the intact log and names the exact record after a deletion, an edit,
# a reordering, and (given the collector's last seq) a truncated tail.
source "$(dirname "$0")/lib.sh"
command -v rsyslogd >/dev/null || fail "rsyslogd is needed (apt-get install rsyslog)"
e2e_setup "" "" 'syslog = "127.0.0.1:10514"'
mkdir -p "$WORK/rsyslog"
cat >"$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK/rsyslog")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="10514")
template(name="sdmsg" type="string" string="%structured-data% %msg%\n")
*.* action(type="omfile" file="$WORK/collector.log" template="sdmsg")
CONF
ip netns exec "$NS_S" rsyslogd -n -iNONE -f "$WORK/rsyslog.conf" >"$WORK/rsyslogd.out" 2>&1 &
PIDS+=($!)
wait_until 10 in_server ss -Hltn "sport = :10514" || fail "rsyslogd did not listen"
CANARY="AuditCanary$(openssl rand -hex 8)"
start_server
audited_session "$CANARY"
A=$WORK/audit.jsonl
for ev in gateway.start admin.user.add login.success tunnel.start login.failure admin.disconnect session.end tunnel.end; do
  grep -q "\"event\":\"$ev\"" "$A" || fail "no $ev record"
done
python3 - "$A" <<'PY' || fail "tunnel.end has no byte counts"
import json, sys
ends = [json.loads(l) for l in open(sys.argv[1]) if '"tunnel.end"' in l]
sys.exit(0 if ends and ends[0]["user"] == "alice" and int(ends[0]["bytes_in"]) > 0 and int(ends[0]["bytes_out"]) > 0 else 1)
PY
! grep -qF "$CANARY" "$A" || fail "the password is in the audit log"
last=$(tail -1 "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
"${CTL[@]}" audit verify "$A" | grep -q "^OK: $last records, last seq $last" || fail "intact log does not verify"
[[ $("${CTL[@]}" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["audit"]["last_seq"])') == "$last" ]] ||
  fail "status does not report the last seq"

# The collector has every record, in order, with its seq.
collector_has() { grep -q "seq=\"$1\"" "$WORK/collector.log"; }
wait_until 10 collector_has "$last" || fail "collector did not get seq $last"
seqs=$(sed -n 's/.*\[bulwark@32473 seq="\([0-9]*\)"\].*/\1/p' "$WORK/collector.log" | tr '\n' ' ')
[[ $seqs == "$(seq -s ' ' 1 "$last") " ]] || fail "collector seqs: $seqs"
grep -q '"event":"login.failure"' "$WORK/collector.log" || fail "collector lacks the record bodies"

# Tampering, each on a copy; the verifier names the exact record.
broken_at() {  # broken_at FILE EXPECTED-PREFIX [extra args]
  local f=$1 want=$2
  shift 2
  local out
  out=$("${CTL[@]}" audit verify "$f" "$@") && fail "tampered log verified: $f"
  [[ $out == "$want"* ]] || fail "expected '$want...', got: $out"
}
sed '3d' "$A" >"$WORK/deleted"
broken_at "$WORK/deleted" "BROKEN at line 3 (seq 4): sequence jumps from 2 to 4"
sed '2s/"event":"\([a-z.]*\)"/"event":"\1x"/' "$A" >"$WORK/edited"
broken_at "$WORK/edited" "BROKEN at line 3 (seq 3): prev does not match"
awk 'NR==3{l=$0; next} NR==4{print; print l; next} {print}' "$A" >"$WORK/reordered"
broken_at "$WORK/reordered" "BROKEN at line 3 (seq 4)"
head -n -2 "$A" >"$WORK/truncated"
"${CTL[@]}" audit verify "$WORK/truncated" | grep -q "^OK" || fail "a clean cut alone cannot be seen"
broken_at "$WORK/truncated" "BROKEN at line $((last - 1)) (seq $((last - 1))): log ends at seq $((last - 2))" --last-seq "$last"
