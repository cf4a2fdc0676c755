#!/usr/bin/env bash
# Tests under AddressSanitizer and UndefinedBehaviorSanitizer, built into
# build-asan/ (-O1, see ORDERFLOW_SANITIZE in CMakeLists.txt).
#
#   tests/sanitizers.sh build [core|all]    configure and build
#   tests/sanitizers.sh test  [core|all]    run what was built
#   tests/sanitizers.sh       [core|all]    both
#
# core (the default, and what tests/run-all.sh runs): the pure core's unit
#   tests (tests/engine) and crash-and-restore (tests/restore), the code
#   every record goes through. The fuzz targets (fuzz/run.sh) cover the
#   parsers beside it under the same sanitizers.
# all: every test but the real-broker ones (host, HTTP, report, reconcile,
#   replay scenarios, ...): the whole tree built again and a process per
#   test, a command of its own before a release or after a change to the
#   host.
set -euo pipefail
cd "$(dirname "$0")/.."
step=both
case "${1:-}" in build|test) step=$1; shift ;; esac
scope=${1:-core}
case "$scope" in
  core) test_dirs="engine;restore"
        targets=(tests/restore/crash_restore_mix_test tests/restore/crash_restore_test
                 tests/engine/orderflow_engine_test) ;;
  all)  test_dirs=all targets=() ;;
  *) echo "usage: tests/sanitizers.sh [build|test] [core|all]" >&2; exit 2 ;;
esac

if [[ $step != test ]]; then
  bash deploy/build.sh build-asan -DORDERFLOW_SANITIZE=ON -DORDERFLOW_BENCH=OFF \
    "-DORDERFLOW_TEST_DIRS=$test_dirs" -- "${targets[@]}"
fi
[[ $step == build ]] && exit 0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
if [[ $scope == all ]]; then
  exec ctest --test-dir build-asan --output-on-failure -j2 -LE broker
fi
# The core's three test programs, each in one process (a process per test,
# as ctest runs them, costs ten times the tests themselves under the
# sanitizers), two at a time; a failing program's whole output is shown.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
printf '%s\n' "${targets[@]}" |
  xargs -P2 -I{} bash -c 'log="$1/$(basename "$2").log"
    if build-asan/"$2" >"$log" 2>&1; then
      echo "$(basename "$2"): $(grep -h "tests from .* ran" "$log")" >&2
    else
      cat "$log" >&2; echo "$(basename "$2"): FAILED" >&2; exit 1
    fi' _ "$logs" {}
