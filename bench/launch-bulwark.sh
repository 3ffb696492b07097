#!/usr/bin/env bash
# Starts Bulwark in the foreground for ../shared/tools/vpn-bench (SERVER=custom):
#   bench/launch-bulwark.sh LISTEN_IP PORT CERT KEY POOL_NET POOL_MASK PASSWD_FILE WORKDIR
# PASSWD_FILE is in ocpasswd format (Bulwark reads it as is). Limits that would
# throttle a benchmark are lifted, as the harness does for ocserv.
# Binaries come from $BULWARK_BIN_DIR (default: build/ next to this script).
# BULWARK_NETWORK_EXTRA: TOML lines added to [network], for A/B runs of one
# setting, e.g. BULWARK_NETWORK_EXTRA='dtls_inflight_kib = 0'.
set -euo pipefail
[[ $# -eq 8 ]] || { echo "usage: $0 LISTEN_IP PORT CERT KEY POOL_NET POOL_MASK PASSWD_FILE WORKDIR" >&2; exit 2; }
listen=$1 port=$2 cert=$3 key=$4 pool=$5 mask=$6 passwd=$7 workdir=$8
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${BULWARK_BIN_DIR:-$here/build}

prefix=0
IFS=. read -r a b c d <<<"$mask"
for o in $a $b $c $d; do
  while ((o > 0)); do prefix=$((prefix + (o & 1))); o=$((o >> 1)); done
done

d=$workdir/bulwark
mkdir -p "$d"
cat >"$d/bulwark.toml" <<CONF
[server]
listen = "$listen"
port = $port
cert = "$cert"
key = "$key"
users_file = "$passwd"
max_clients = 0
max_sessions_per_user = 0
worker_user = "nobody"
runtime_dir = "$d/run"
state_dir = "$d/state"

[network]
pool = "$pool/$prefix"
split_include = ["$pool/$prefix"]
${BULWARK_NETWORK_EXTRA:-}

[timeouts]
dpd = 90
keepalive = 32400
cookie = 300

[auth]
totp_file = "$d/totp"

[audit]
file = "$d/audit.jsonl"
CONF
exec "$bin/bulwarkd" --config "$d/bulwark.toml" --foreground
