#!/usr/bin/env bash
# TUN devices are kept and reused from one tunnel to the next: the user's
# second tunnel gets the first one's address and runs on its device, which
# stayed configured in between and dropped what was routed to the absent
# client; a device left by an earlier run is removed at start; and a stopped
# gateway leaves no device behind.
source "$(dirname "$0")/lib.sh"
e2e_setup
tun_status() { "${CTL[@]}" status --json | python3 -c "import json,sys; print(json.load(sys.stdin)['tun_devices']['$1'])"; }
one_idle() { [[ $(tun_status idle) == 1 ]]; }
no_pool_links() { [[ -z $(pool_links) ]]; }
pool_links() { in_server ip -o link show | awk -F': ' '$2 ~ /^bwk[0-9]+$/ {print $2}'; }

in_server ip tuntap add dev bwk9 mode tun || fail "cannot make a leftover device"
start_server
# Main listens first (a second gateway on the same port fails there, before
# it could remove the first one's devices), then removes leftovers: wait for
# that rather than assume it is done once the port is open.
wait_until 10 no_pool_links || fail "leftover devices survived the start: $(pool_links)"
wait_until 10 grep -q "removed 1 TUN device" "$WORK/server.log" ||
  fail "removal of the leftover not logged"
add_user alice alicepass

start_client alice alicepass tun0
first_ip=$(tunnel_ip tun0)
in_client ping -c 1 -W 2 -I tun0 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic on the first tunnel"
dev=$(pool_links)
[[ $(wc -w <<<"$dev") == 1 ]] || fail "expected one device, found: $dev"
kill -TERM "$CLIENT_PID"
wait_until 10 process_gone "$CLIENT_PID"
wait_until 10 one_idle || fail "device not idle after the tunnel ended"
[[ $(pool_links) == "$dev" ]] || fail "idle device $dev is gone"
in_server ip route get "$first_ip" 2>/dev/null | grep -q "dev $dev" ||
  fail "the absent client's address is not routed to its idle device $dev"
drops() { in_server cat "/sys/class/net/$dev/statistics/tx_dropped"; }
before=$(drops)
in_server ping -c 1 -W 1 "$first_ip" >/dev/null 2>&1 && fail "the absent client answered"
(($(drops) > before)) || fail "a packet to the absent client was not dropped on $dev"

start_client alice alicepass tun1
in_client ping -c 1 -W 2 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic on the reused device"
[[ $(tunnel_ip tun1) == "$first_ip" ]] || fail "alice's new session got $(tunnel_ip tun1), not $first_ip"
[[ $(pool_links) == "$dev" ]] || fail "second tunnel did not reuse $dev: $(pool_links)"
[[ $(tun_status reused) == 1 && $(tun_status created) == 1 && $(tun_status kept_config) == 1 ]] ||
  fail "status: created $(tun_status created), reused $(tun_status reused), kept $(tun_status kept_config)"
"${CTL[@]}" status | grep -q "TUN devices: 1 in use, 0 idle (1 made, 1 reuses)" || fail "status text"

kill -TERM "$SERVER_PID"
wait_until 10 process_gone "$SERVER_PID" || fail "gateway did not stop"
wait_until 10 no_pool_links || fail "devices left after stop: $(pool_links)"
