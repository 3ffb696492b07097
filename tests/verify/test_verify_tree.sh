#!/usr/bin/env bash
# End-to-end check of bulwark-release + bulwark-verify on a fake installed
# tree in a temporary directory. Needs no root (no chown anywhere).
#
#   bash tests/verify/test_verify_tree.sh build/bulwark-verify build/bulwark-release
set -euo pipefail

VERIFY=${1:?usage: test_verify_tree.sh BULWARK_VERIFY BULWARK_RELEASE}
RELEASE=${2:?usage: test_verify_tree.sh BULWARK_VERIFY BULWARK_RELEASE}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -f "$WORK/out" ]]; then sed 's/^/  | /' "$WORK/out" >&2; fi
  exit 1
}

# run_verify EXPECTED_EXIT [extra args]: runs the verifier on $ROOT with the
# given manifest ($MANIFEST) and key ($PUB), output in $WORK/out.
run_verify() {
  local want=$1 rc=0
  shift
  "$VERIFY" --root "$ROOT" --manifest "$MANIFEST" --pubkey "$PUB" "$@" >"$WORK/out" 2>&1 || rc=$?
  [[ $rc -eq $want ]] || fail "expected exit $want, got $rc (${CHECK})"
}

expect_line() {
  grep -qxF -- "$1" "$WORK/out" || fail "missing line '$1' (${CHECK})"
}

# A fresh copy of the pristine tree for each tamper check.
reset_tree() {
  rm -rf "$WORK/root"
  cp -a "$WORK/pristine" "$WORK/root"
  ROOT=$WORK/root
}

# --- a fake installed tree -------------------------------------------------
P=$WORK/pristine
mkdir -p "$P/usr/sbin" "$P/etc/bulwark/certs" "$P/usr/share/doc"
head -c 70000 /dev/urandom >"$P/usr/sbin/bulwarkd"
head -c 30000 /dev/urandom >"$P/usr/sbin/bulwark-worker"
printf 'listen = "0.0.0.0:443"\n' >"$P/etc/bulwark/bulwark.toml"
printf 'cert\n' >"$P/etc/bulwark/certs/server.pem"
printf 'not covered\n' >"$P/usr/share/doc/README"
ln -s bulwarkd "$P/usr/sbin/bulwark"
chmod 0755 "$P/usr/sbin" "$P/usr/sbin/bulwarkd" "$P/usr/sbin/bulwark-worker"
chmod 0640 "$P/etc/bulwark/bulwark.toml"
chmod 0600 "$P/etc/bulwark/certs/server.pem"

# --- release machine: key, manifest, signature -------------------------------
CHECK="keygen"
"$RELEASE" keygen --private "$WORK/release.key" --public "$WORK/release.pub"
[[ $(stat -c %a "$WORK/release.key") == 600 ]] || fail "private key is not mode 0600"
grep -q 'BEGIN PRIVATE KEY' "$WORK/release.key" || fail "private key is not PKCS#8 PEM"
grep -q 'BEGIN PUBLIC KEY' "$WORK/release.pub" || fail "public key is not SPKI PEM"
if "$RELEASE" keygen --private "$WORK/release.key" --public "$WORK/other.pub" 2>/dev/null; then
  fail "keygen overwrote an existing private key"
fi

CHECK="manifest"
"$RELEASE" manifest --root "$P" --cover usr/sbin --cover etc/bulwark --version 0.1.0 \
  --out "$WORK/manifest"
head -1 "$WORK/manifest" | grep -qx 'bulwark-manifest 1' || fail "manifest header"
grep -q 'usr/share' "$WORK/manifest" && fail "manifest lists an uncovered path"
"$RELEASE" sign --key "$WORK/release.key" --in "$WORK/manifest" --out "$WORK/manifest.signed"
tail -1 "$WORK/manifest.signed" | grep -q '^signature ed25519 ' || fail "no signature line"
PUB=$WORK/release.pub
MANIFEST=$WORK/manifest.signed

# --- clean tree --------------------------------------------------------------
CHECK="clean"
reset_tree
run_verify 0
expect_line "verified 4 of 4 files"

# A change outside the covered directories is not the verifier's business.
CHECK="uncovered change"
echo changed >>"$ROOT/usr/share/doc/README"
run_verify 0

# --- tampering: each kind must exit 1 and name the file -----------------------
CHECK="planted file"
reset_tree
printf '#!/bin/sh\n' >"$ROOT/usr/sbin/evil"
run_verify 1
expect_line "ADDED usr/sbin/evil"
expect_line "TAMPERED: 1 differences"

CHECK="flipped byte"
reset_tree
python3 - "$ROOT/usr/sbin/bulwarkd" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[12345] ^= 0x01
open(p, "wb").write(b)
EOF
run_verify 1
expect_line "CHANGED usr/sbin/bulwarkd (sha256)"
grep -q '^SIZE' "$WORK/out" && fail "a same-size change reported a size difference"

CHECK="chmod"
reset_tree
chmod 0666 "$ROOT/etc/bulwark/bulwark.toml"
run_verify 1
expect_line "MODE etc/bulwark/bulwark.toml 0640 -> 0666"

CHECK="setuid"
reset_tree
chmod 4755 "$ROOT/usr/sbin/bulwark-worker"
run_verify 1
expect_line "MODE usr/sbin/bulwark-worker 0755 -> 4755"

CHECK="deleted file"
reset_tree
rm "$ROOT/etc/bulwark/certs/server.pem"
run_verify 1
expect_line "MISSING etc/bulwark/certs/server.pem"

CHECK="symlink retargeted"
reset_tree
ln -sfn /tmp/evil "$ROOT/usr/sbin/bulwark"
run_verify 1
expect_line "LINK usr/sbin/bulwark 'bulwarkd' -> '/tmp/evil'"

CHECK="file swapped for symlink"
reset_tree
rm "$ROOT/usr/sbin/bulwark-worker"
ln -s bulwarkd "$ROOT/usr/sbin/bulwark-worker"
run_verify 1
expect_line "TYPE usr/sbin/bulwark-worker file -> symlink"

# A symlinked covered parent must not be followed into a look-alike tree.
CHECK="symlinked cover parent"
reset_tree
mv "$ROOT/usr" "$WORK/real-usr"
ln -s "$WORK/real-usr" "$ROOT/usr"
run_verify 1
expect_line "MISSING usr/sbin/bulwarkd"
rm -rf "$WORK/real-usr"

# --- forged manifests: exit 2 -------------------------------------------------
# An attacker adds their file, re-makes the manifest and signs it with a key
# of their own left inside the tree; the real public key must reject it.
CHECK="re-signed with another key"
reset_tree
printf '#!/bin/sh\n' >"$ROOT/usr/sbin/evil"
"$RELEASE" keygen --private "$ROOT/etc/bulwark/attacker.key" --public "$ROOT/etc/bulwark/attacker.pub"
"$RELEASE" manifest --root "$ROOT" --cover usr/sbin --cover etc/bulwark --version 0.1.0 \
  --out "$WORK/forged"
"$RELEASE" sign --key "$ROOT/etc/bulwark/attacker.key" --in "$WORK/forged" \
  --out "$WORK/forged.signed"
MANIFEST=$WORK/forged.signed
run_verify 2
grep -q 'signature' "$WORK/out" || fail "exit 2 without naming the signature (${CHECK})"
# Sanity: with the attacker's own key the same manifest does verify.
PUB=$ROOT/etc/bulwark/attacker.pub
run_verify 0
PUB=$WORK/release.pub

CHECK="edited signed manifest"
reset_tree
sed 's/0640/0666/' "$WORK/manifest.signed" >"$WORK/edited.signed"
cmp -s "$WORK/edited.signed" "$WORK/manifest.signed" && fail "sed did not edit the manifest"
MANIFEST=$WORK/edited.signed
run_verify 2
grep -q 'bad signature' "$WORK/out" || fail "edited manifest not reported as bad signature"

CHECK="garbage manifest"
head -c 4096 /dev/urandom >"$WORK/garbage"
MANIFEST=$WORK/garbage
run_verify 2

CHECK="unsigned manifest"
MANIFEST=$WORK/manifest
run_verify 2

CHECK="bad arguments"
rc=0
"$VERIFY" --root "$ROOT" --manifest "$WORK/manifest.signed" >"$WORK/out" 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "missing --pubkey: expected exit 2, got $rc"

# --- JSON output -----------------------------------------------------------------
MANIFEST=$WORK/manifest.signed
CHECK="json clean"
reset_tree
run_verify 0 --json
python3 -m json.tool "$WORK/out" >/dev/null || fail "clean --json output is not JSON"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="clean" and d["files_verified"]==4, d' "$WORK/out" \
  || fail "clean --json content"

CHECK="json tampered"
printf 'x' >"$ROOT/usr/sbin/evil"
run_verify 1 --json
python3 -m json.tool "$WORK/out" >/dev/null || fail "tampered --json output is not JSON"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="tampered" and d["differences"]==[{"kind":"ADDED","path":"usr/sbin/evil"}], d' "$WORK/out" \
  || fail "tampered --json content"

# --- update package check ----------------------------------------------------------
CHECK="check-update"
"$RELEASE" check-update --pubkey "$WORK/release.pub" --installed-version 0.0.9 \
  --package "$WORK/manifest.signed" >/dev/null || fail "newer signed package refused"
for v in 0.1.0 0.2; do
  if "$RELEASE" check-update --pubkey "$WORK/release.pub" --installed-version "$v" \
    --package "$WORK/manifest.signed" 2>/dev/null; then
    fail "package 0.1.0 accepted over installed $v"
  fi
done
if "$RELEASE" check-update --pubkey "$WORK/release.pub" --installed-version 0.0.1 \
  --package "$WORK/edited.signed" 2>/dev/null; then
  fail "package with a bad signature accepted"
fi

echo "verify_tree: all checks passed"
