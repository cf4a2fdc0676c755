#!/usr/bin/env bash
# `orderflow inspect ORDER --replay NAME.input.jsonl` must print exactly
# NAME.expected.txt (with --config NAME.config.yaml when there is one); an
# order that is not in the input is one line on stderr and exit 1.
# Usage: run_inspect.sh ORDERFLOW_BINARY DIR NAME ORDER
set -euo pipefail
bin=$1 dir=$2 name=$3 order=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
config=()
if [[ -f $dir/$name.config.yaml ]]; then config=(--config "$dir/$name.config.yaml"); fi
"$bin" inspect "$order" "${config[@]}" --replay "$dir/$name.input.jsonl" >"$out/actual.txt"
if ! diff -u "$dir/$name.expected.txt" "$out/actual.txt"; then
  echo "inspect $order: output differs from $name.expected.txt (- expected, + actual)" >&2
  exit 1
fi
status=0
"$bin" inspect NO-SUCH-ORDER "${config[@]}" --replay "$dir/$name.input.jsonl" >"$out/unknown.txt" 2>"$out/unknown.err" || status=$?
if [[ $status -ne 1 || -s $out/unknown.txt || $(wc -l <"$out/unknown.err") -ne 1 ]]; then
  echo "inspect of an unknown order: expected one line on stderr and exit 1, got exit $status:" >&2
  cat "$out/unknown.txt" "$out/unknown.err" >&2
  exit 1
fi
