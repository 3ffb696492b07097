#!/usr/bin/env bash
# Runs every Bulwark test on a fresh Debian 12 machine (as root):
# installs dependencies, builds, runs unit tests, seed corpora and the
# end-to-end tests with the real openconnect in network namespaces, then the
# unit tests and corpora again under clang-19 ASan+UBSan, then a short
# libFuzzer smoke run of every fuzz target (clang-19, ASan+UBSan).
#   sudo scripts/test.sh
#   SKIP_E2E=1 scripts/test.sh        # no root: unit tests + corpora only
#   FUZZ_SECONDS=0 scripts/test.sh    # skip the fuzz smoke run
#   SANITIZE=0 scripts/test.sh        # skip the ASan+UBSan unit run
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/build.sh
cd build
if [[ ${SKIP_E2E:-0} == 1 ]]; then
  ctest --output-on-failure -LE e2e -j"$(nproc)"
else
  [[ $(id -u) -eq 0 ]] || { echo "end-to-end tests need root (network namespaces); use SKIP_E2E=1" >&2; exit 1; }
  ctest --output-on-failure -LE e2e -j"$(nproc)"
  ctest --output-on-failure -L e2e
fi
cd ..
if [[ ${SANITIZE:-1} != 0 ]]; then
  scripts/sanitize.sh
fi
if [[ ${FUZZ_SECONDS:-20} != 0 ]]; then
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} scripts/fuzz.sh
fi
echo "== all tests passed"
