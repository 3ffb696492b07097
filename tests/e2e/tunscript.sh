#!/bin/sh
# vpnc-script replacement for the tests: configures the tun with ip(8) only
# and reports "up" by writing the tunnel address to $E2E_STATE_DIR/up.$TUNDEV
# (and the DNS servers it was given to dns.$TUNDEV).
# E2E_NO_ROUTES=1 skips routes (many clients in one namespace; use ping -I).
case "$reason" in
  connect|reconnect)
    ip link set dev "$TUNDEV" up mtu "$INTERNAL_IP4_MTU"
    ip addr replace "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
    if [ "${E2E_NO_ROUTES:-0}" != 1 ]; then
      i=0
      while [ $i -lt "${CISCO_SPLIT_INC:-0}" ]; do
        eval a=\$CISCO_SPLIT_INC_${i}_ADDR
        eval l=\$CISCO_SPLIT_INC_${i}_MASKLEN
        ip route replace "$a/$l" dev "$TUNDEV"
        i=$((i + 1))
      done
    fi
    echo "${INTERNAL_IP4_DNS:-}" >"$E2E_STATE_DIR/dns.$TUNDEV"
    echo "$INTERNAL_IP4_ADDRESS" >"$E2E_STATE_DIR/up.$TUNDEV.tmp"
    mv "$E2E_STATE_DIR/up.$TUNDEV.tmp" "$E2E_STATE_DIR/up.$TUNDEV"
    ;;
  disconnect)
    rm -f "$E2E_STATE_DIR/up.$TUNDEV"
    ;;
esac
exit 0
