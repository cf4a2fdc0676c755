#!/usr/bin/env bash
# Replays NAME.input.jsonl and compares the output with NAME.expected.jsonl
# byte for byte (and stderr with NAME.expected.stderr, when that exists).
# A NAME.config.yaml beside them is used as the configuration.
# Usage: run_scenario.sh ORDERFLOW_BINARY SCENARIO_DIR NAME
set -euo pipefail
bin=$1 dir=$2 name=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=()
[[ -f $dir/$name.config.yaml ]] && args+=(--config "$dir/$name.config.yaml")
"$bin" replay "${args[@]}" --output "$out/actual.jsonl" "$dir/$name.input.jsonl" 2>"$out/stderr"
if ! diff -u "$dir/$name.expected.jsonl" "$out/actual.jsonl"; then
  echo "scenario $name: output differs from $name.expected.jsonl (- expected, + actual)" >&2
  exit 1
fi
if [[ -f $dir/$name.expected.stderr ]]; then
  grep -v '^replay: ' "$out/stderr" >"$out/stderr.diag" || true
  diff -u "$dir/$name.expected.stderr" "$out/stderr.diag"
fi
