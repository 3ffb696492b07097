#!/usr/bin/env bash
# Tunnel MTU. "auto" (the default) sizes each tunnel from its client's path
# (this test's veth link: 1500): a client that does not offer DTLS
# (--no-dtls), though the gateway has it on, gets the TLS-only 1500 - 28 =
# 1472 and no DTLS, and a packet of exactly that size crosses unfragmented; a
# fixed [network] mtu, set by a reload, is what the next tunnel gets. (DTLS's
# 1434: test_dtls.)
source "$(dirname "$0")/lib.sh"
e2e_setup
start_server
add_user alice alicepass
start_client alice alicepass tun0 --no-dtls
addr=$(tunnel_ip tun0)
grep -q "audit tunnel.start user=alice .* address=$addr .* dtls=no" "$WORK/server.log" ||
  fail "DTLS offered to a client that did not ask: $(grep 'tunnel.start' "$WORK/server.log")"
[[ $(link_mtu "$NS_C" tun0) == 1472 ]] || fail "client MTU $(link_mtu "$NS_C" tun0), expected 1472"
dev=$(server_tun_of "$addr")
[[ -n $dev && $(link_mtu "$NS_S" "$dev") == 1472 ]] || fail "gateway's $dev MTU: $(link_mtu "$NS_S" "$dev")"
# 1444 + 8 (ICMP) + 20 (IP) = 1472, with don't-fragment, both ways
in_client ping -c 2 -W 2 -M do -s 1444 "$GATEWAY_TUN_IP" >/dev/null || fail "full-size ping failed"
in_server ping -c 2 -W 2 -M do -s 1444 "$addr" >/dev/null || fail "full-size ping from the gateway failed"
in_client ping -c 1 -W 1 -M do -s 1445 "$GATEWAY_TUN_IP" >/dev/null 2>&1 && fail "a packet over the MTU was sent"

sed -i 's/^split_include = .*/&\nmtu = 1300/' "$CONFIG"
out=$("${CTL[@]}" reload) || fail "reload refused: $out"
start_client alice alicepass tun1
[[ $(link_mtu "$NS_C" tun1) == 1300 ]] || fail "fixed mtu: client got $(link_mtu "$NS_C" tun1)"
dev=$(server_tun_of "$(tunnel_ip tun1)")
[[ $(link_mtu "$NS_S" "$dev") == 1300 ]] || fail "fixed mtu: gateway's $dev has $(link_mtu "$NS_S" "$dev")"
in_client ping -c 2 -W 2 -M do -s 1272 -I tun1 "$GATEWAY_TUN_IP" >/dev/null || fail "ping at the fixed MTU failed"
# the first tunnel keeps its MTU
[[ $(link_mtu "$NS_C" tun0) == 1472 ]] || fail "the reload changed a live tunnel's MTU"
