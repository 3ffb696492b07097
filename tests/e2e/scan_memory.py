#!/usr/bin/env python3
"""scan_memory.py PID KEY_PEM: exit 0 if the private scalar of KEY_PEM occurs
in the readable memory of PID, 1 if not, 2 on error. Run as root."""
import re, subprocess, sys

pid, key = sys.argv[1], sys.argv[2]
text = subprocess.run(["openssl", "pkey", "-in", key, "-text", "-noout"],
                      capture_output=True, text=True, check=True).stdout
m = re.search(r"priv:\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
if not m:
    sys.exit(2)
secret = bytes.fromhex(re.sub(r"[\s:]", "", m.group(1)))
secret = secret.lstrip(b"\x00")[-32:]  # the 32-byte P-256 scalar
# OpenSSL holds it as a BIGNUM: little-endian 64-bit limbs, least significant
# first, i.e. the big-endian bytes reversed on x86_64. Look for both forms.
patterns = (secret, secret[::-1])
found = False
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        addr, perms = line.split()[:2]
        if "r" not in perms:
            continue
        start, end = (int(x, 16) for x in addr.split("-"))
        try:
            mem.seek(start)
            chunk = mem.read(end - start)
            if any(p in chunk for p in patterns):
                found = True
                break
        except (OSError, ValueError, OverflowError):
            continue
sys.exit(0 if found else 1)
