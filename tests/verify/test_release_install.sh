#!/usr/bin/env bash
# A real release, end to end: scripts/package.sh packs the installed tree
# (cmake --install) with a signed manifest; scripts/install-release.sh
# installs it into a scratch ROOT only after checking signature, version and
# content; bulwark-verify then checks the installed tree and names tampering.
# Refused updates (same version, a package whose content does not match its
# manifest, a manifest signed with another key) write nothing.
#   bash tests/verify/test_release_install.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: test_release_install.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
tree_sum() { (cd "$W/root" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort) | sha256sum; }

"$BUILD/bulwark-release" keygen --private "$W/release.key" --public "$W/release.pub"
"$BUILD/bulwark-release" keygen --private "$W/other.key" --public "$W/other.pub"
SKIP_BUILD=1 BUILD_DIR=$BUILD "$SRC/scripts/package.sh" --key "$W/release.key" --out "$W/dist" >/dev/null
PKG=$W/dist/bulwark-0.1.0.tar.gz
MAN=$W/dist/bulwark-0.1.0.manifest.signed
[[ -s $PKG && -s $MAN ]] || fail "package.sh made no package"
grep -qP '^file\topt/bulwark/sbin/bulwarkd\t' "$MAN" || fail "bulwarkd not in the manifest"

mkdir "$W/root"
TOOLS=$BUILD "$SRC/scripts/install-release.sh" "$PKG" "$MAN" "$W/release.pub" "$W/root" >/dev/null ||
  fail "a good release was refused"
[[ -x $W/root/opt/bulwark/sbin/bulwarkd ]] || fail "bulwarkd not installed"
installed=$W/root/var/lib/bulwark/installed.manifest.signed
"$BUILD/bulwark-verify" --root "$W/root" --manifest "$installed" --pubkey "$W/release.pub" >"$W/out" ||
  fail "fresh install does not verify: $(cat "$W/out")"
grep -qE '^verified ([0-9]+) of \1 files$' "$W/out" || fail "no 'verified N of N files': $(cat "$W/out")"

# Tampering with the installed tree is named.
cp "$W/root/opt/bulwark/sbin/bulwarkd" "$W/bulwarkd.orig"
printf '\x90' | dd of="$W/root/opt/bulwark/sbin/bulwarkd" bs=1 seek=4096 conv=notrunc status=none
rc=0
"$BUILD/bulwark-verify" --root "$W/root" --manifest "$installed" --pubkey "$W/release.pub" >"$W/out" || rc=$?
[[ $rc -eq 1 ]] || fail "flipped byte: exit $rc"
grep -qF "CHANGED opt/bulwark/sbin/bulwarkd (sha256)" "$W/out" || fail "flipped byte not named: $(cat "$W/out")"
cp -p "$W/bulwarkd.orig" "$W/root/opt/bulwark/sbin/bulwarkd"

before=$(tree_sum)
refused() {  # refused WHY PKG MAN PUB
  if TOOLS=$BUILD "$SRC/scripts/install-release.sh" "$2" "$3" "$4" "$W/root" >"$W/out" 2>&1; then
    fail "$1: installed"
  fi
  [[ $(tree_sum) == "$before" ]] || fail "$1: the refused install changed the tree"
}
refused "same version" "$PKG" "$MAN" "$W/release.pub"
# A newer version whose tarball was altered after signing.
SKIP_BUILD=1 BUILD_DIR=$BUILD "$SRC/scripts/package.sh" --key "$W/release.key" --out "$W/dist" \
  --version 0.2.0 >/dev/null
mkdir "$W/evil"
tar -C "$W/evil" -xzf "$W/dist/bulwark-0.2.0.tar.gz"
printf '#!/bin/sh\n' >"$W/evil/opt/bulwark/sbin/backdoor"
tar -C "$W/evil" --numeric-owner -czf "$W/evil.tar.gz" opt
refused "altered package" "$W/evil.tar.gz" "$W/dist/bulwark-0.2.0.manifest.signed" "$W/release.pub"
grep -q "ADDED opt/bulwark/sbin/backdoor" "$W/out" || fail "altered package: backdoor not named"
# A manifest re-signed with another key (e.g. one planted on the box).
SKIP_BUILD=1 BUILD_DIR=$BUILD "$SRC/scripts/package.sh" --key "$W/other.key" --out "$W/other" \
  --version 0.3.0 >/dev/null
refused "foreign key" "$W/other/bulwark-0.3.0.tar.gz" "$W/other/bulwark-0.3.0.manifest.signed" "$W/release.pub"
# The genuine newer release goes in.
TOOLS=$BUILD "$SRC/scripts/install-release.sh" "$W/dist/bulwark-0.2.0.tar.gz" \
  "$W/dist/bulwark-0.2.0.manifest.signed" "$W/release.pub" "$W/root" >/dev/null || fail "0.2.0 refused"
grep -qP '^version\t0.2.0$' "$installed" || fail "installed manifest not updated"
echo "all release install checks passed"
