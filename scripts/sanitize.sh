#!/usr/bin/env bash
# Builds everything with clang-19 and ASan + UBSan (UB is fatal) into
# build-asan/ and runs the unit tests, every seed corpus and, as root, the
# end-to-end suite under them, with every seccomp filter on (a sanitizer build
# allows the few syscalls the runtime itself makes: seccomp_sanitizer.cc).
# Left out under ASan: the tests that gcore or scan whole process memory
# (ASan's shadow maps make that take hours), the long throughput, DPD and
# DTLS fallback tests (the last waits out the client's 60 s DTLS retry), and
# the descriptor-exhaustion test (resource limits, not memory). Any sanitizer
# report in a server log fails its test (lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
CC=clang-19 CXX=clang++-19 cmake -S . -B $B -DBULWARK_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build $B -j"$(nproc)" --target unit_tests bulwark-verify bulwark-release bulwarkd bulwark-authd \
  bulwark-worker bulwark-logship bulwarkctl $(cd fuzz && ls *_fuzz.cc | sed 's/\.cc$/_corpus/')
cd $B
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -LE "e2e|package" -j"$(nproc)"
if [[ $(id -u) -eq 0 && ${SKIP_E2E:-0} != 1 ]]; then
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -L e2e -E "canary|compromised|worker_sandbox|dpd|dtls_fallback|iperf|fd_exhaustion"
fi
