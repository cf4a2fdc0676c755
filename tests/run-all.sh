#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up (the build's packages,
# deploy/setup-debian.sh, then the tests' own, tests/setup-tests.sh), a
# normal build with every test (unit, replay scenarios, crash-and-restore,
# real-broker integration, the deploy files), a short run of each fuzz
# target (fuzz/run.sh, clang), then the unit and replay tests again under
# AddressSanitizer and UndefinedBehaviorSanitizer (built while the normal
# tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-debian.sh
bash tests/setup-tests.sh

# The Go tools some tests need (label go-tools) build from the Go module
# proxy in the background, at the lowest priority: a first build takes
# minutes of CPU, which they take from what the C++ build and the
# broker tests leave idle. Cached builds return at once.
go_tools_log=$(mktemp)
setsid bash -c 'for tool in $(awk "!/^#/ && NF { print \$1 }" deploy/tools/go-tools.txt); do
                  nice -n 19 bash deploy/tools/install-go-tool.sh "$tool" >/dev/null || exit 1
                done' 2>"$go_tools_log" &
go_tools=$!
trap 'kill -- -$go_tools 2>/dev/null || true; rm -f "$go_tools_log"' EXIT

echo "== build (RelWithDebInfo)" >&2
bash deploy/build.sh build

# The sanitizer build runs beside the tests, at the lowest priority: the
# real-broker tests run one at a time and leave much of the machine idle,
# and the tests keep the CPU whenever they want it.
echo "== build (AddressSanitizer + UBSan), in the background" >&2
asan_log=$(mktemp)
setsid bash -c 'nice -n 19 bash deploy/build.sh build-asan -DORDERFLOW_SANITIZE=ON -DORDERFLOW_BENCH=OFF' \
  >"$asan_log" 2>&1 &
asan_build=$!
trap 'kill -- -$go_tools -$asan_build 2>/dev/null || true; rm -f "$go_tools_log" "$asan_log"' EXIT

echo "== tests" >&2
ctest --test-dir build --output-on-failure -j2 -LE go-tools
echo "== tests that need the Go tools (promtool, helm, Alertmanager)" >&2
if ! wait "$go_tools"; then
  cat "$go_tools_log" >&2
  echo "run-all: building the Go tools failed" >&2
  exit 1
fi
ctest --test-dir build --output-on-failure -j2 -L go-tools

echo "== fuzz targets, ${ORDERFLOW_FUZZ_SECONDS:-30} s each" >&2
bash fuzz/run.sh "${ORDERFLOW_FUZZ_SECONDS:-30}"

echo "== build (AddressSanitizer + UBSan): waiting for it" >&2
if ! wait "$asan_build"; then
  tail -50 "$asan_log" >&2
  echo "run-all: the sanitizer build failed" >&2
  exit 1
fi
echo "== tests under sanitizers" >&2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE broker
