#!/usr/bin/env bash
# `orderflow demo --save DIR` where DIR cannot take the replay files (here
# DIR/inputs.jsonl is a folder) fails after the engine's thread has
# started: the demo must stop that thread and report the error with exit
# status 1, not end in std::terminate (SIGABRT, status 134).
# Usage: demo_save_error_test.sh ORDERFLOW_BINARY
set -uo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/inputs.jsonl"
timeout 120 "$bin" demo --days 1 --seconds 5 --orders-per-day 50 --http off \
  --save "$dir" >"$dir/out" 2>"$dir/err"
rc=$?
cat "$dir/err" >&2
failed=0
if [[ $rc -ne 1 ]]; then echo "FAIL: exit status 1 (was $rc)" >&2; failed=1; fi
if ! grep -q "orderflow demo: cannot write to $dir" "$dir/err"; then
  echo "FAIL: the error is reported" >&2
  failed=1
fi
if grep -q "terminate called" "$dir/err"; then
  echo "FAIL: the process ended in std::terminate" >&2
  failed=1
fi
[[ $failed -eq 0 ]] && echo "passed"
[[ $failed -eq 0 ]]
