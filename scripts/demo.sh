#!/usr/bin/env bash
# Bulwark demo on a fresh Debian 12 machine (run as root):
#   installs packages, builds, starts the gateway in a network namespace with
#   a throw-away certificate and a demo user, connects the real openconnect
#   client from a second namespace, shows ping and iperf3 through the tunnel
#   and the admin view, then removes everything (also on failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "run as root: sudo $0" >&2; exit 1; }

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing packages (Debian 12)"
scripts/install-deps.sh demo
step "Building into build/"
scripts/build.sh >/dev/null
echo "built: $(ls build/bulwarkd build/bulwark-authd build/bulwark-worker build/bulwarkctl | tr '\n' ' ')"

export BULWARK_BIN_DIR=$PWD/build BULWARK_SRC_DIR=$PWD
source tests/e2e/lib.sh

step "Creating namespaces $NS_S (gateway, $SERVER_IP) and $NS_C (client, $CLIENT_IP), a CA-less test certificate and a config"
e2e_setup
echo "config: $CONFIG"
sed 's/^/    /' "$CONFIG"

DEMO_PASS=$(openssl rand -base64 12)
step "Adding the demo user: bulwarkctl user add demo --password-stdin"
add_user demo "$DEMO_PASS"
echo "user 'demo', password '$DEMO_PASS' (Argon2id in $WORK/users)"

step "Starting bulwarkd --config $CONFIG --foreground (in $NS_S)"
start_server
ps -o pid=,args= -p "$SERVER_PID" --ppid "$SERVER_PID" | sed "s/^/    /"

step "Connecting the real openconnect $(openconnect --version | head -1 | awk '{print $3}') from $NS_C"
start_client demo "$DEMO_PASS" tun0
echo "tunnel address: $(tunnel_ip tun0); client log:"
grep -E "Connected to HTTPS|CONNECT response|Configured as" "$WORK/client-tun0.log" | sed 's/^/    /'

step "The worker serving this connection (sandboxed before the first byte)"
wpid=$(pgrep -P "$SERVER_PID" -x bulwark-worker | head -1)
grep -E "^(Uid|CapEff|NoNewPrivs):" "/proc/$wpid/status" | sed 's/^/    /'
echo "    root: $(readlink "/proc/$wpid/root") (empty)"

step "ping through the tunnel to the gateway's tunnel address $GATEWAY_TUN_IP"
in_client ping -c 3 "$GATEWAY_TUN_IP"

step "iperf3 through the tunnel (3 seconds)"
in_server iperf3 -s -B "$GATEWAY_TUN_IP" -1 >/dev/null 2>&1 &
PIDS+=($!)
wait_until 10 sh -c "ip netns exec $NS_S ss -Hltn 'sport = :5201' | grep -q LISTEN"
in_client iperf3 -c "$GATEWAY_TUN_IP" -t 3 | tail -4

step "Admin view: bulwarkctl sessions"
wait_until 5 bytes_reported || true
"${CTL[@]}" sessions

step "Point your own client at a gateway"
cat <<TXT
  openconnect --servercert $PIN https://$SERVER_IP/
  (the pin is the SHA-256 of the server key; with a certificate from a CA your
   clients trust, plain 'openconnect https://vpn.example.com/' works.)
  Production: write /etc/bulwark/bulwark.toml (docs/examples/bulwark.toml),
  add users with 'bulwarkctl user add NAME', run 'bulwarkd --foreground'.
TXT

step "Disconnecting (client Ctrl-C logs out and revokes the cookie) and cleaning up"
kill -INT "$CLIENT_PID"
wait_until 10 process_gone "$CLIENT_PID"
grep "client logout" "$WORK/server.log" | tail -1 | sed 's/^/    /'
