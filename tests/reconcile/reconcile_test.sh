#!/usr/bin/env bash
# `orderflow reconcile` against known answers: month.input.jsonl (eleven
# orders: one of each kind of difference, some in agreement, two of other
# months, two currencies) is replayed by the real binary, then reconciled
# for 2026-10 from the input and the replay's output. The text report must
# equal month.expected.txt byte for byte, the JSON report must carry the
# same totals, and bad arguments or inputs must fail with one line.
# Usage: reconcile_test.sh ORDERFLOW_BINARY TEST_DIR
set -euo pipefail
bin=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" replay --output "$work/outputs.jsonl" "$dir/month.input.jsonl" 2>/dev/null
"$bin" reconcile --month 2026-10 --input "$dir/month.input.jsonl" \
    --outputs "$work/outputs.jsonl" --json "$work/report.json" \
    >"$work/report.txt" 2>"$work/stderr"
if ! diff -u "$dir/month.expected.txt" "$work/report.txt"; then
  echo "reconcile: the text report differs from month.expected.txt (- expected, + actual)" >&2
  exit 1
fi

python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["month"] == "2026-10", r["month"]
assert r["orders"] == 9 and r["ordersWithDifferences"] == 6, (r["orders"], r["ordersWithDifferences"])
totals = {(t["category"], t["currency"]): t for t in r["totals"]}
def check(category, currency, lines, orders, shipped, invoiced):
    t = totals[(category, currency)]
    got = (t["lines"], t["orders"], t["shippedAmountMinor"], t["invoicedAmountMinor"], t["differenceMinor"])
    want = (lines, orders, shipped, invoiced, invoiced - shipped)
    assert got == want, f"{category} {currency}: {got} != {want}"
check("shippedNotInvoiced", "EUR", 2, 1, 7700, 0)
check("invoicedNotShipped", "EUR", 2, 2, 0, 7700)
check("quantityMismatch", "USD", 1, 1, 1800, 2700)
check("amountMismatch", "EUR", 1, 1, 4500, 4000)
check("amountMismatch", "USD", 1, 1, 3000, 3300)
check("all", "EUR", 5, 4, 12200, 11700)
check("all", "USD", 2, 2, 4800, 6000)
assert len(totals) == 7, sorted(totals)
orders = sorted({(l["category"], l["orderId"]) for l in r["lines"]})
assert orders == [("amountMismatch", "R-5"), ("amountMismatch", "R-7"),
                  ("invoicedNotShipped", "R-10"), ("invoicedNotShipped", "R-3"),
                  ("quantityMismatch", "R-4"), ("shippedNotInvoiced", "R-2")], orders
PY

# --json - writes the same JSON to stdout instead of the text.
"$bin" reconcile --month 2026-10 --input "$dir/month.input.jsonl" \
    --outputs "$work/outputs.jsonl" --json - >"$work/stdout.json" 2>/dev/null
cmp "$work/report.json" "$work/stdout.json"

# A month with nothing in it is a report too, and still exit 0.
"$bin" reconcile --month 2026-08 --input "$dir/month.input.jsonl" \
    --outputs "$work/outputs.jsonl" >"$work/empty.txt" 2>/dev/null
grep -q '^Invoice alignment for 2026-08 (UTC): 0 orders' "$work/empty.txt"
grep -q '^Totals: no differences$' "$work/empty.txt"

# Bad arguments and inputs: non-zero, one line on stderr.
expect_failure() {
  local want=$1; shift
  local status=0
  "$bin" reconcile "$@" >/dev/null 2>"$work/err" || status=$?
  if [[ $status -ne $want ]]; then
    echo "reconcile $*: exit $status, expected $want" >&2; cat "$work/err" >&2; exit 1
  fi
  if [[ $(wc -l <"$work/err") -ne 1 ]]; then
    echo "reconcile $*: expected one line on stderr, got:" >&2; cat "$work/err" >&2; exit 1
  fi
}
expect_failure 2 --month 2026-13 --input "$dir/month.input.jsonl" --outputs "$work/outputs.jsonl"
expect_failure 2 --month october --input "$dir/month.input.jsonl" --outputs "$work/outputs.jsonl"
expect_failure 2 --month 2026-10 --input "$dir/month.input.jsonl"
expect_failure 2 --month 2026-10
expect_failure 1 --month 2026-10 --input "$work/missing.jsonl" --outputs "$work/outputs.jsonl"
echo 'not json' >"$work/garbage.jsonl"
expect_failure 1 --month 2026-10 --input "$dir/month.input.jsonl" --outputs "$work/garbage.jsonl"
expect_failure 1 --month 2026-10 --input "$work/outputs.jsonl" --outputs "$work/outputs.jsonl"
grep -q "garbage.jsonl:1: not a replay output record" <("$bin" reconcile --month 2026-10 \
    --input "$dir/month.input.jsonl" --outputs "$work/garbage.jsonl" 2>&1 || true)
echo "reconcile: all checks passed"
