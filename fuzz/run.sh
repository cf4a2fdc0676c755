#!/usr/bin/env bash
# Builds the fuzz targets with clang into build-fuzz/ and runs each for
# SECONDS (default 30), one at a time, starting from its committed seeds
# (fuzz/corpus/<target>/) and what earlier runs found (kept in
# build-fuzz/corpus/<target>/, not committed).
#
#   fuzz/run.sh [SECONDS] [TARGET...]     e.g. fuzz/run.sh 300 http
#   fuzz/run.sh build                     only build them
#
# Fails when a target crashes, hangs, leaks or runs out of memory; the
# reproducer stays in build-fuzz/crashes/<target>/ and the target's output
# in build-fuzz/logs/<target>.log. Reproduce with
#   build-fuzz/fuzz/fuzz_<target> build-fuzz/crashes/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(replay_line engine_apply config http); fi

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DORDERFLOW_FUZZ=ON -DORDERFLOW_BENCH=OFF -DORDERFLOW_TEST_DIRS=config >/dev/null
ninja -C build-fuzz -j2 fuzz_targets
[[ $seconds == build ]] && exit 0

failed=()
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t
  mkdir -p "$corpus" "$crashes" build-fuzz/logs
  log=build-fuzz/logs/$t.log
  echo "== fuzz_$t for ${seconds}s" >&2
  # New inputs go to the first folder; the seeds are only read.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "build-fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    echo "fuzz_$t: ok, $runs runs, $cov" >&2
  else
    echo "fuzz_$t: FAILED; the last of $log:" >&2
    tail -40 "$log" >&2
    ls "$crashes" >&2
    failed+=("$t")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzzing found a problem in: ${failed[*]}" >&2
  exit 1
fi
