#!/usr/bin/env bash
# Replays NAME.input.jsonl and compares the output with NAME.expected.jsonl
# byte for byte (and stderr with NAME.expected.stderr, when that exists).
# A NAME.config.yaml beside them is used as the configuration. When
# NAME.expected-metrics.json exists, the service metrics at the end
# (--metrics) must equal it as JSON, with every shard layout.
# Usage: run_scenario.sh ORDERFLOW_BINARY SCENARIO_DIR NAME
set -euo pipefail
bin=$1 dir=$2 name=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=()
[[ -f $dir/$name.config.yaml ]] && args+=(--config "$dir/$name.config.yaml")
"$bin" replay "${args[@]}" --output "$out/actual.jsonl" --metrics "$out/metrics.json" \
  "$dir/$name.input.jsonl" 2>"$out/stderr"
# Compares the metrics written to $1 with the expected ones, as JSON values.
check_metrics() {
  [[ -f $dir/$name.expected-metrics.json ]] || return 0
  python3 - "$dir/$name.expected-metrics.json" "$1" <<'PY'
import json, sys
expected, actual = (json.load(open(p)) for p in sys.argv[1:3])
def differences(e, a, path="metrics"):
    if isinstance(e, dict) and isinstance(a, dict):
        for k in sorted(set(e) | set(a)):
            yield from differences(e.get(k), a.get(k), f"{path}.{k}")
    elif e != a:
        yield f"{path}: expected {e!r}, got {a!r}"
found = list(differences(expected, actual))
for line in found:
    print(line, file=sys.stderr)
sys.exit(1 if found else 0)
PY
}
if ! check_metrics "$out/metrics.json"; then
  echo "scenario $name: metrics differ from $name.expected-metrics.json" >&2
  exit 1
fi
if ! diff -u "$dir/$name.expected.jsonl" "$out/actual.jsonl"; then
  echo "scenario $name: output differs from $name.expected.jsonl (- expected, + actual)" >&2
  exit 1
fi
# Outputs must not depend on how many shards each stage has.
if [[ ! -f $dir/$name.config.yaml ]]; then
  for shards in "1 1" "7 3"; do
    read -r orders inventory <<<"$shards"
    printf 'partitions:\n  orders: %s\n  inventory: %s\n' "$orders" "$inventory" >"$out/shards.yaml"
    "$bin" replay --config "$out/shards.yaml" --output "$out/sharded.jsonl" \
      --metrics "$out/sharded-metrics.json" "$dir/$name.input.jsonl" 2>/dev/null
    if ! check_metrics "$out/sharded-metrics.json"; then
      echo "scenario $name: metrics change with $orders order and $inventory inventory shards" >&2
      exit 1
    fi
    # Dead letters name the partition, which does depend on the count.
    if ! diff -u <(grep -v '"dead-letter"' "$dir/$name.expected.jsonl") <(grep -v '"dead-letter"' "$out/sharded.jsonl"); then
      echo "scenario $name: output changes with $orders order and $inventory inventory shards" >&2
      exit 1
    fi
  done
fi
if [[ -f $dir/$name.expected.stderr ]]; then
  grep -v '^replay: ' "$out/stderr" >"$out/stderr.diag" || true
  diff -u "$dir/$name.expected.stderr" "$out/stderr.diag"
fi
