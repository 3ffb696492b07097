#!/usr/bin/env bash
# Builds everything with clang-19 and ASan + UBSan (UB is fatal) into
# build-asan/ and runs the unit tests and every seed corpus under them.
# (The e2e suite runs against the normal build: the worker's seccomp policy
# rightly kills the sanitizer runtime's extra syscalls.)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
CC=clang-19 CXX=clang++-19 cmake -S . -B $B -DBULWARK_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build $B -j"$(nproc)" --target unit_tests bulwark-verify bulwark-release $(cd fuzz && ls *_fuzz.cc | sed 's/\.cc$/_corpus/')
cd $B
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -LE "e2e|package" -j"$(nproc)"
