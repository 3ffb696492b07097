#!/usr/bin/env bash
# Installs or updates Bulwark from a signed release, writing nothing under
# ROOT until every check has passed:
#   1. the manifest is signed by the release key and strictly newer than the
#      installed version (bulwark-release check-update);
#   2. the package, unpacked into a private staging directory, matches the
#      signed manifest exactly (bulwark-verify: no added, changed, missing or
#      re-permissioned file);
#   3. only then is opt/bulwark replaced, and the manifest kept as
#      var/lib/bulwark/installed.manifest.signed for later checks:
#        bulwark-verify --root / --manifest /var/lib/bulwark/installed.manifest.signed --pubkey release.pub
# The checking tools are the trusted ones given by TOOLS (default: the
# installed /opt/bulwark/sbin, else ./build), never the package's own.
# Usage: scripts/install-release.sh PACKAGE.tar.gz MANIFEST.signed RELEASE_PUBKEY [ROOT]
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 PACKAGE.tar.gz MANIFEST.signed RELEASE_PUBKEY [ROOT]" >&2; exit 2; }
PKG=$1 MANIFEST=$2 PUB=$3 ROOT=${4:-/}
here=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$([[ -x $ROOT/opt/bulwark/sbin/bulwark-verify ]] && echo "$ROOT/opt/bulwark/sbin" || echo "$here/build")}
installed=$ROOT/var/lib/bulwark/installed.manifest.signed
version=0.0.0
if [[ -f $installed ]]; then
  version=$(sed -n 's/^version\t//p' "$installed")
fi
"$TOOLS/bulwark-release" check-update --pubkey "$PUB" --installed-version "$version" --package "$MANIFEST" ||
  { echo "install-release: refused (installed version $version); nothing written" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 700 "$stage"
tar -C "$stage" --numeric-owner --same-owner -xzf "$PKG"
if ! "$TOOLS/bulwark-verify" --root "$stage" --manifest "$MANIFEST" --pubkey "$PUB"; then
  echo "install-release: the package does not match its signed manifest; nothing written" >&2
  exit 1
fi
mkdir -p "$ROOT/opt" "$ROOT/var/lib/bulwark"
rm -rf "$ROOT/opt/bulwark.new"
cp -a "$stage/opt/bulwark" "$ROOT/opt/bulwark.new"
rm -rf "$ROOT/opt/bulwark.old"
[[ ! -e $ROOT/opt/bulwark ]] || mv "$ROOT/opt/bulwark" "$ROOT/opt/bulwark.old"
mv "$ROOT/opt/bulwark.new" "$ROOT/opt/bulwark"
rm -rf "$ROOT/opt/bulwark.old"
install -m 0644 "$MANIFEST" "$installed"
echo "install-release: installed $(sed -n 's/^version\t//p' "$MANIFEST") into $ROOT/opt/bulwark"
