#!/bin/bash
# Compares benchmark binaries on a shared, noisy machine: runs each of them
# in turn, one at a time, N rounds, and prints the median and the maximum
# of the items per second each reported (and every value, lowest first).
#
#   bench/alternate.sh ROUNDS FILTER BINARY...
#   bench/alternate.sh 8 'CoreOnly/order_parts:1/' old/orderflow_bench build-bench/bench/orderflow_bench
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 ROUNDS FILTER BINARY..." >&2
  exit 2
fi
rounds=$1
filter=$2
shift 2
declare -A seen
for ((i = 0; i < rounds; i++)); do
  for bin in "$@"; do
    value=$("$bin" --benchmark_filter="$filter" 2>/dev/null |
      grep -o 'items_per_second=[0-9.]*[kMG]*' | head -1 | cut -d= -f2)
    if [[ -z "$value" ]]; then
      echo "$bin printed no items_per_second for '$filter'" >&2
      exit 1
    fi
    seen[$bin]="${seen[$bin]:-} $value"
  done
done
for bin in "$@"; do
  python3 - "$bin" ${seen[$bin]} <<'PY'
import sys
scale = {'k': 1e3, 'M': 1e6, 'G': 1e9}
values = sorted(float(v[:-1]) * scale[v[-1]] if v[-1] in scale else float(v)
                for v in sys.argv[2:])
print('%s: median %.0fk, max %.0fk; all %s' % (
    sys.argv[1], values[len(values) // 2] / 1e3, values[-1] / 1e3,
    ' '.join('%.0fk' % (v / 1e3) for v in values)))
PY
done
