#!/usr/bin/env bash
# Installs Bulwark's build, test and demo dependencies from Debian 12 packages.
# Usage: scripts/install-deps.sh [build|test|demo|bench]   (default: test)
#   bench: what bench/compare.sh and bench/load.sh need (ocserv, the shared
#   harness's tools)
set -euo pipefail
what=${1:-test}

build_pkgs=(build-essential cmake pkg-config libssl-dev libseccomp-dev libcap-dev
  libpugixml-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libargon2-dev libcrypt-dev libqrencode-dev libmnl-dev libgtest-dev libgmock-dev googletest)
demo_pkgs=(openconnect iperf3 iproute2 iputils-ping openssl procps python3)
bench_pkgs=(ocserv gnutls-bin gawk jq util-linux linux-perf)
test_pkgs=(ocserv oathtool rsyslog rsyslog-openssl jq clang-19 libclang-rt-19-dev libfuzzer-19-dev util-linux)

pkgs=("${build_pkgs[@]}")
case $what in
  build) ;;
  demo) pkgs+=("${demo_pkgs[@]}") ;;
  test) pkgs+=("${demo_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;  # e2e runs a load smoke
  bench) pkgs+=("${demo_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|demo|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "== dependencies: all installed"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
  exit 1
fi
echo "== installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
