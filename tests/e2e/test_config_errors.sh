#!/usr/bin/env bash
# bulwarkd refuses a bad configuration at start with file:line and what is
# wrong, and --check validates a good one.
source "$(dirname "$0")/lib.sh"
e2e_setup
"$BIN/bulwarkd" --config "$CONFIG" --check | grep -q ": OK" || fail "--check rejected a good config"
check_refused() {  # check_refused EXPECTED-MESSAGE (config already edited)
  set +e
  "$BIN/bulwarkd" --config "$WORK/bad.toml" --foreground >"$WORK/out.txt" 2>&1
  local rc=$?
  set -e
  [[ $rc -ne 0 ]] || fail "bad config accepted: $1"
  grep -qF "$1" "$WORK/out.txt" || fail "expected '$1', got: $(cat "$WORK/out.txt")"
}
sed 's/^pool = .*/pool = "192.168.201.0\/31"/' "$CONFIG" >"$WORK/bad.toml"
line=$(grep -n '^pool' "$WORK/bad.toml" | cut -d: -f1)
check_refused "$WORK/bad.toml:$line: network.pool: prefix must be between 8 and 30, got 31"
sed 's/^port = 443/prot = 443/' "$CONFIG" >"$WORK/bad.toml"
line=$(grep -n '^prot' "$WORK/bad.toml" | cut -d: -f1)
check_refused "$WORK/bad.toml:$line: unknown key server.prot"
sed 's/^worker_user = .*/worker_user = "no-such-user-here"/' "$CONFIG" >"$WORK/bad.toml"
check_refused "no such user: no-such-user-here"
sed 's/^\[auth\]$/[auth]\nmfa = "sometimes"/' "$CONFIG" >"$WORK/bad.toml"
line=$(grep -n '^mfa' "$WORK/bad.toml" | cut -d: -f1)
check_refused "$WORK/bad.toml:$line: auth.mfa: expected \"optional\" or \"required\""
printf '[server\n' >"$WORK/bad.toml"
check_refused "$WORK/bad.toml:1:"
check_refused_missing() {
  set +e
  "$BIN/bulwarkd" --config "$WORK/missing.toml" >"$WORK/out.txt" 2>&1
  local rc=$?
  set -e
  [[ $rc -ne 0 ]] && grep -q "cannot read the configuration file" "$WORK/out.txt"
}
check_refused_missing || fail "missing config not reported"
# The audit stream over TLS: the keys go together, and the files must be
# readable when bulwarkd starts.
{ cat "$CONFIG"; printf 'syslog = "127.0.0.1:6514"\nsyslog_tls = true\n'; } >"$WORK/bad.toml"
line=$(grep -n '^syslog_tls' "$WORK/bad.toml" | cut -d: -f1)
check_refused "$WORK/bad.toml:$line: audit.syslog_tls: needs audit.syslog_ca"
{ cat "$CONFIG"; printf 'syslog = "127.0.0.1:6514"\nsyslog_tls = true\nsyslog_ca = "%s"\n' "$WORK/no-ca.pem"; } >"$WORK/bad.toml"
check_refused "audit.syslog_ca: cannot read $WORK/no-ca.pem: No such file or directory"
