#!/usr/bin/env python3
"""forge_hello.py HOST PORT APP_ID_HEX [SUITES_HEX]: sends a DTLS ClientHello
carrying the given session id (a live tunnel's X-DTLS-App-ID or legacy
X-DTLS-Session-ID) from a fresh UDP port, as an attacker who saw the id
would. SUITES_HEX: the cipher suites offered (default the PSK AES-GCM ones).
Used by test_dtls.sh and test_dtls_legacy.sh."""
import os, socket, struct, sys

host, port, app_id = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
suites = bytes.fromhex(sys.argv[4] if len(sys.argv) > 4 else "00a900a8")
body = b"\xfe\xfd" + os.urandom(32) + bytes([len(app_id)]) + app_id
body += b"\x00" + struct.pack(">H", len(suites)) + suites + b"\x01\x00"  # cookie, suites, null compression
hs = b"\x01" + struct.pack(">I", len(body))[1:] + b"\x00\x00" + b"\x00\x00\x00" + struct.pack(">I", len(body))[1:] + body
record = b"\x16\xfe\xff" + b"\x00\x00" + b"\x00" * 6 + struct.pack(">H", len(hs)) + hs
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(record, (host, port))
