#!/usr/bin/env bash
# Makes a signed release of Bulwark (run on the release machine, where the
# signing key lives; the key never goes to a gateway):
#   OUT/bulwark-VERSION.tar.gz           the installed tree under opt/bulwark
#   OUT/bulwark-VERSION.manifest.signed  every file of it (path, type, mode,
#                                        owner, size, SHA-256), Ed25519-signed
# Usage:
#   scripts/package.sh --key release.key [--out DIR] [--version X.Y.Z]
#   SKIP_BUILD=1 BUILD_DIR=build scripts/package.sh ...   (use an existing build)
# The key comes from `bulwark-release keygen --private release.key --public release.pub`.
set -euo pipefail
cd "$(dirname "$0")/.."
KEY="" OUT=dist VERSION=""
while (($#)); do
  case $1 in
    --key) KEY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    *) echo "usage: $0 --key PRIVATE_KEY [--out DIR] [--version X.Y.Z]" >&2; exit 2 ;;
  esac
done
[[ -n $KEY ]] || { echo "usage: $0 --key PRIVATE_KEY [--out DIR] [--version X.Y.Z]" >&2; exit 2; }
BUILD_DIR=${BUILD_DIR:-build}
[[ ${SKIP_BUILD:-0} == 1 ]] || BUILD_DIR=$BUILD_DIR scripts/build.sh
[[ -n $VERSION ]] || VERSION=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")
mkdir -p "$OUT"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$BUILD_DIR" --prefix /opt/bulwark >/dev/null
install -D -m 0644 docs/examples/bulwark.toml "$stage/opt/bulwark/share/doc/bulwark/bulwark.toml.example"
install -D -m 0644 README.md "$stage/opt/bulwark/share/doc/bulwark/README.md"
chmod -R go-w "$stage/opt"
"$BUILD_DIR/bulwark-release" manifest --root "$stage" --cover opt/bulwark --version "$VERSION" \
  --out "$stage/manifest"
rm -f "$OUT/bulwark-$VERSION.manifest.signed" "$OUT/bulwark-$VERSION.tar.gz"
"$BUILD_DIR/bulwark-release" sign --key "$KEY" --in "$stage/manifest" --out "$OUT/bulwark-$VERSION.manifest.signed"
tar -C "$stage" --numeric-owner -czf "$OUT/bulwark-$VERSION.tar.gz" opt
echo "$OUT/bulwark-$VERSION.tar.gz"
echo "$OUT/bulwark-$VERSION.manifest.signed"
