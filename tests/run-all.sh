#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up (the build's packages,
# deploy/setup-debian.sh, then the tests' own, tests/setup-tests.sh), a
# normal build with every test (unit, replay scenarios, crash-and-restore,
# real-broker integration, the deploy files), the core's tests again under
# AddressSanitizer and UndefinedBehaviorSanitizer (tests/sanitizers.sh core;
# `tests/sanitizers.sh all` runs every test but the real-broker ones under
# them, a command of its own), then a short run of each fuzz target
# (fuzz/run.sh, clang). Both of those are built while the normal tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-debian.sh
bash tests/setup-tests.sh

# The Go tools some tests need (label go-tools) build from the Go module
# proxy in the background, at the lowest priority: a first build takes
# minutes of CPU, which they take from what the C++ build and the
# broker tests leave idle. Cached builds return at once.
#
# Each background job is a session of its own (setsid), so that it can be
# stopped as a group. With the kernel's session autogroups, nice alone
# ranks a process only within its own session: the job lowers its whole
# session's share too (/proc/self/autogroup), or it would take half the
# machine from the tests.
lowest_priority='echo 19 >/proc/self/autogroup 2>/dev/null || true'
go_tools_log=$(mktemp)
setsid bash -c "$lowest_priority"'
                for tool in $(awk "!/^#/ && NF { print \$1 }" deploy/tools/go-tools.txt); do
                  nice -n 19 bash deploy/tools/install-go-tool.sh "$tool" >/dev/null || exit 1
                done' 2>"$go_tools_log" &
go_tools=$!
trap 'kill -- -$go_tools 2>/dev/null || true; rm -f "$go_tools_log"' EXIT

echo "== build (RelWithDebInfo)" >&2
bash deploy/build.sh build

# The sanitizer build of the core's tests, then the fuzz targets' build
# (clang), run beside the tests at the lowest priority: the real-broker
# tests run one at a time and leave much of the machine idle, and the tests
# keep the CPU whenever they want it.
echo "== builds for the sanitizers and the fuzz targets, in the background" >&2
asan_log=$(mktemp)
setsid bash -c "$lowest_priority"'
               nice -n 19 bash tests/sanitizers.sh build core &&
               nice -n 19 bash fuzz/run.sh build' >"$asan_log" 2>&1 &
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

echo "== builds for the sanitizers and the fuzz targets: waiting for them" >&2
if ! wait "$asan_build"; then
  tail -50 "$asan_log" >&2
  echo "run-all: the sanitizer or fuzz build failed" >&2
  exit 1
fi
echo "== the core's tests under sanitizers" >&2
bash tests/sanitizers.sh test core
echo "== fuzz targets, ${ORDERFLOW_FUZZ_SECONDS:-30} s each" >&2
bash fuzz/run.sh "${ORDERFLOW_FUZZ_SECONDS:-30}"
