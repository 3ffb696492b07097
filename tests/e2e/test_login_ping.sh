#!/usr/bin/env bash
# Login with username + password, ping the gateway through the tunnel, and
# see the session in `bulwarkctl sessions --json` (parsed as JSON).
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0
ip=$(tunnel_ip tun0)
[[ $ip == $POOL_PREFIX.* ]] || fail "tunnel address $ip is not from the pool"
in_client ping -c 3 -W 2 "$GATEWAY_TUN_IP" >"$WORK/ping.log" || fail "ping through the tunnel failed"
grep -q " 0% packet loss" "$WORK/ping.log" || fail "packet loss: $(tail -2 "$WORK/ping.log")"
grep -q "Connected to HTTPS" "$WORK/client-tun0.log" || fail "no TLS in client log"
wait_until 5 bytes_reported || fail "session bytes never reported"
sessions_json >"$WORK/sessions.json"
python3 - "$WORK/sessions.json" "$ip" <<'PY' || fail "sessions JSON wrong: $(cat "$WORK/sessions.json")"
import json, sys
sessions = json.load(open(sys.argv[1]))
assert len(sessions) == 1, sessions
s = sessions[0]
assert s["user"] == "alice", s
assert s["tunnel_ip"] == sys.argv[2], s
assert s["remote"].startswith("10.201.0.2:"), s
assert s["bytes_in"] > 0 and s["bytes_out"] > 0, s
assert isinstance(s["id"], int) and s["since"].endswith("Z"), s
PY
"${CTL[@]}" sessions | grep -q "alice .*$ip" || fail "table output lacks the session"
