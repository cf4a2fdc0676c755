#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up (the build's packages,
# deploy/setup-debian.sh, then the tests' own, tests/setup-tests.sh), a
# normal build with every test (unit, replay scenarios, crash-and-restore,
# real-broker integration, the deploy files), a short run of each fuzz
# target (fuzz/run.sh, clang), then the unit and replay tests again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-debian.sh
bash tests/setup-tests.sh

echo "== build (RelWithDebInfo)" >&2
bash deploy/build.sh build
echo "== tests" >&2
ctest --test-dir build --output-on-failure -j2

echo "== fuzz targets, ${ORDERFLOW_FUZZ_SECONDS:-30} s each" >&2
bash fuzz/run.sh "${ORDERFLOW_FUZZ_SECONDS:-30}"

echo "== build (AddressSanitizer + UBSan)" >&2
bash deploy/build.sh build-asan -DORDERFLOW_SANITIZE=ON -DORDERFLOW_BENCH=OFF
echo "== tests under sanitizers" >&2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE broker
