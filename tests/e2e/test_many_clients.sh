#!/usr/bin/env bash
# 20 clients at once, each pinging the gateway through its own tun device;
# all get distinct addresses.
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
N=20
export E2E_NO_ROUTES=1
oc_cmd
for i in $(seq 1 $N); do
  "${OC[@]}" -u alice --passwd-on-stdin --interface "bt$i" "https://$SERVER_IP/" \
    <<<alicepass >"$WORK/client-bt$i.log" 2>&1 &
  PIDS+=($!)
done
all_up() { for i in $(seq 1 $N); do [[ -s $WORK/up.bt$i ]] || return 1; done; }
wait_until 60 all_up || fail "not all $N clients came up: $(ls "$WORK" | grep -c '^up\.')"
addrs=$(cat "$WORK"/up.bt* | sort -u | wc -l)
[[ $addrs -eq $N ]] || fail "only $addrs distinct addresses for $N clients"
for i in $(seq 1 $N); do
  in_client ping -c 1 -W 3 -I "bt$i" "$GATEWAY_TUN_IP" >/dev/null || fail "ping over bt$i failed"
done
count=$(sessions_json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[[ $count -eq $N ]] || fail "bulwarkctl lists $count sessions, expected $N"
