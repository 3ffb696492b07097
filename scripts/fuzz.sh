#!/usr/bin/env bash
# Builds every fuzz target with clang-19 (libFuzzer + ASan + UBSan) and runs
# each for $FUZZ_SECONDS (default 300) starting from its seed corpus.
# New corpus entries go to build-fuzz/corpus/<target> (never committed).
#   scripts/fuzz.sh                 # every target, 5 minutes each
#   FUZZ_SECONDS=20 scripts/fuzz.sh # the smoke run the test command uses
#   scripts/fuzz.sh http_request_fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-300}
B=build-fuzz
CC=clang-19 CXX=clang++-19 cmake -S . -B $B -DBULWARK_FUZZ=ON -DBULWARK_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build $B -j"$(nproc)"
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
fi
for t in "${targets[@]}"; do
  mkdir -p "$B/corpus/$t"
  echo "== fuzzing $t for ${FUZZ_SECONDS}s"
  "$B/$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 -close_fd_mask=3 -artifact_prefix="$B/" \
    "$B/corpus/$t" "fuzz/corpus/$t" 2>&1 | tail -n 3
done
echo "== fuzzing: no crashes"
