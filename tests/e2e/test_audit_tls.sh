#!/usr/bin/env bash
# The audit stream over TLS, through bulwark-logship. A throw-away CA signs a
# certificate for a real rsyslog (rsyslog-openssl, netstream driver "ossl",
# on the server namespace's loopback, with an IP SAN 127.0.0.1) and one for
# bulwark (the collector demands a client certificate). Asserted: every
# record arrives in order with its seq and body, the password never does,
# `bulwarkctl status` says connected, and bulwark-logship runs sandboxed
# (seccomp, no_new_privs, unprivileged uid, no capabilities, the empty root,
# no key file open). Then the collector is replaced by one whose certificate
# comes from another CA: bulwark refuses it (nothing arrives, status says
# not connected) while logins and tunnels go on working.
source "$(dirname "$0")/lib.sh"
command -v rsyslogd >/dev/null || fail "rsyslogd is needed (apt-get install rsyslog)"
compgen -G "/usr/lib/*/rsyslog/lmnsd_ossl.so" >/dev/null || fail "rsyslog-openssl is needed"
PORT=10514

make_ca() {  # make_ca NAME
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$WORK/$1-key.pem" -out "$WORK/$1.pem" -subj "/CN=$1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
make_leaf() {  # make_leaf CA NAME SAN EXTENDED-KEY-USAGE
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$WORK/$2-key.pem" -out "$WORK/$2.csr" 2>/dev/null
  openssl x509 -req -in "$WORK/$2.csr" -CA "$WORK/$1.pem" -CAkey "$WORK/$1-key.pem" -days 2 \
    -set_serial "0x$(openssl rand -hex 8)" -out "$WORK/$2-cert.pem" \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$3" "$4") 2>/dev/null
}
make_ca audit-ca
make_ca other-ca
make_leaf audit-ca collector IP:127.0.0.1 serverAuth
make_leaf audit-ca bulwark-client DNS:bulwark.test clientAuth
make_leaf other-ca impostor IP:127.0.0.1 serverAuth

# start_collector NAME CERT-BASENAME: rsyslog with TLS on 127.0.0.1:$PORT,
# requiring a client certificate from audit-ca; writes $WORK/NAME.log.
start_collector() {
  mkdir -p "$WORK/$1.d"
  cat >"$WORK/$1.conf" <<CONF
global(workDirectory="$WORK/$1.d"
       defaultNetstreamDriver="ossl"
       defaultNetstreamDriverCAFile="$WORK/audit-ca.pem"
       defaultNetstreamDriverCertFile="$WORK/$2-cert.pem"
       defaultNetstreamDriverKeyFile="$WORK/$2-key.pem")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
input(type="imtcp" address="127.0.0.1" port="$PORT")
template(name="sdmsg" type="string" string="%structured-data% %msg%\n")
*.* action(type="omfile" file="$WORK/$1.log" template="sdmsg")
CONF
  : >"$WORK/$1.log"
  ip netns exec "$NS_S" rsyslogd -n -iNONE -f "$WORK/$1.conf" >"$WORK/$1.out" 2>&1 &
  COLLECTOR_PID=$!
  PIDS+=("$COLLECTOR_PID")
  wait_until 10 collector_listening || fail "rsyslogd ($1) did not listen"
}
collector_listening() { in_server ss -Hltn "sport = :$PORT" | grep -q LISTEN; }
collector_has() { grep -q "seq=\"$2\"" "$WORK/$1.log"; }
audit_status() {  # audit_status FIELD
  "${CTL[@]}" status --json | python3 -c "import json,sys; print(json.load(sys.stdin)['audit']['$1'])"
}
status_says() { [[ $(audit_status "$1") == "$2" ]]; }

e2e_setup "" "" "syslog = \"127.0.0.1:$PORT\"
syslog_tls = true
syslog_ca = \"$WORK/audit-ca.pem\"
syslog_cert = \"$WORK/bulwark-client-cert.pem\"
syslog_key = \"$WORK/bulwark-client-key.pem\""
chmod 600 "$WORK/bulwark-client-key.pem"
start_collector collector collector
CANARY="TlsAuditCanary$(openssl rand -hex 8)"
start_server
audited_session "$CANARY"
A=$WORK/audit.jsonl

# Every record reached the collector over TLS, in order, with its body.
last=$(tail -1 "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
wait_until 15 collector_has collector "$last" || fail "collector did not get seq $last"
seqs=$(sed -n 's/.*\[bulwark@32473 seq="\([0-9]*\)"\].*/\1/p' "$WORK/collector.log" | tr '\n' ' ')
[[ $seqs == "$(seq -s ' ' 1 "$last") " ]] || fail "collector seqs: $seqs"
for ev in gateway.start admin.user.add login.success tunnel.start login.failure admin.disconnect tunnel.end; do
  grep -q "\"event\":\"$ev\"" "$WORK/collector.log" || fail "collector lacks the $ev record"
done
! grep -qF "$CANARY" "$WORK/collector.log" "$A" || fail "the password reached the audit stream"
wait_until 5 status_says syslog_connected True || fail "status: not connected ($(audit_status syslog_connected))"
status_says syslog_tls True || fail "status does not say TLS"
wait_until 5 status_says syslog_last_sent_seq "$last" || fail "status: last sent $(audit_status syslog_last_sent_seq)"
log "collector has seqs 1..$last over TLS; status connected"

# bulwark-logship is sandboxed and keeps no PEM file open.
pid=$(pgrep -P "$SERVER_PID" -x bulwark-logship | head -1)
[[ -n $pid ]] || fail "no bulwark-logship process"
assert_sandboxed logship "$pid"
if ls -l "/proc/$pid/fd" | grep -q "\.pem"; then fail "logship keeps a PEM file open"; fi

# A collector with a certificate from another CA: refused, nothing delivered.
kill -TERM "$COLLECTOR_PID"
wait_until 10 process_gone "$COLLECTOR_PID" || fail "first collector did not stop"
wait_until 10 status_says syslog_connected False || fail "status still says connected"
start_collector impostor impostor
refusals() { grep -c "alert unknown ca" "$WORK/impostor.out" || true; }
refused_more_than() { (($(refusals) > $1)); }
wait_until 15 refused_more_than 0 || fail "bulwark never tried the impostor"
grep -q "certificate verify failed" "$WORK/server.log" || fail "no verify failure in the server log"
add_user bob bobpass
start_client bob bobpass tun1
in_client ping -c 2 -i 0.2 -W 2 "$GATEWAY_TUN_IP" >/dev/null || fail "no traffic after the refusal"
seen=$(refusals)
wait_until 15 refused_more_than "$seen" || fail "bulwark stopped retrying"
! grep -q "bulwark@32473" "$WORK/impostor.log" || fail "a record reached the impostor"
status_says syslog_connected False || fail "status says connected to the impostor"
grep -q '"event":"login.success","user":"bob"' "$A" || fail "bob's login is not in the local audit log"
log "impostor refused $(refusals) time(s); nothing delivered; bob logged in"
