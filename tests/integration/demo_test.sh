#!/usr/bin/env bash
# `orderflow demo` runs to completion on its embedded cluster, shows its
# progress, and ends with a consistent summary:
# received = accepted + rejected, and every accepted order is open,
# shipped, delivered or cancelled. Usage: demo_test.sh ORDERFLOW_BINARY
set -uo pipefail
bin=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
passed=0 failed=0
check() {
  if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}
timeout 300 "$bin" demo --days 3 --seconds 15 --orders-per-day 800 --http 127.0.0.1:0 >"$out" 2>/dev/null
rc=$?
cat "$out" >&2
check "exit status 0 (was $rc)" '[[ $rc -eq 0 ]]'
check "progress lines" '[[ $(grep -c "orders in" "$out") -ge 5 ]]'
check "summary present" 'grep -q "== service metrics" "$out"'
check "received = accepted + rejected" 'grep -q "received = accepted + rejected: yes" "$out"'
check "every accepted order accounted for" 'grep -q "open, shipped, delivered or cancelled: yes" "$out"'
check "orders were received" 'grep -Eq "orders received +[1-9][0-9]+" "$out"'
check "some orders delivered" 'grep -Eq "on-time delivery .*\(([0-9]+) of [1-9][0-9]* delivered" "$out"'
# v1.1: three warehouses, parcels, amendments, holds and customer contacts.
check "tasks at each of the three warehouses" \
  'grep -Eq "^warehouses +WH-MAN \(GB\) [1-9][0-9]* tasks, WH-BER \(DE\) [1-9][0-9]* tasks, WH-HAM \(DE\) [1-9][0-9]* tasks" "$out"'
check "some orders shipped in more than one parcel" \
  'grep -Eq "^split shipments +[0-9.]+ %  \([1-9][0-9]* of [1-9][0-9]* shipped orders" "$out"'
check "amendments applied and rejected" \
  'grep -Eq "^amendments +[1-9][0-9]* from the ERP .*: [1-9][0-9]* applied, [1-9][0-9]* rejected" "$out"'
check "holds placed and released" \
  'grep -Eq "^holds +[1-9][0-9]* placed: [1-9][0-9]* released to go on" "$out"'
check "customer contacts sent" 'grep -Eq "^customer contacts +[1-9][0-9]* \(" "$out"'
check "contacts ranked by root cause" \
  'grep -Eq "^contacts by root cause [A-Z_]+ [1-9][0-9]* \(top 1\)" "$out"'
# The same seed gives the same simulated week: the ERP sends the same orders.
# This run also keeps the week as replay files (--save), which the team
# lead's tools read: the weekly report, month-end alignment, inspect.
week=$(mktemp -d)
timeout 300 "$bin" demo --days 3 --seconds 15 --orders-per-day 800 --http 127.0.0.1:0 \
  --save "$week" >"$out.2" 2>/dev/null
check "same seed, same orders received" '[[ "$(grep "orders received" "$out")" == "$(grep "orders received" "$out.2")" ]]'
received=$(grep -Eo "orders received +[0-9]+" "$out.2" | grep -Eo "[0-9]+$")
"$bin" report --week 2026-W10 --from "$week/outputs.jsonl" --html "$week/report.html" >"$week/report.txt" 2>/dev/null
check "report of the saved week: the demo's orders received ($received)" \
  'grep -Eq "^  received +$received " "$week/report.txt"'
check "report of the saved week: an HTML page with charts" 'grep -q "<svg" "$week/report.html"'
"$bin" reconcile --month 2026-03 --input "$week/inputs.jsonl" --outputs "$week/outputs.jsonl" >"$week/reconcile.txt" 2>/dev/null
check "reconcile of the saved week: the wrong invoices found" \
  'grep -Eq "[1-9][0-9]* with differences" "$week/reconcile.txt" && grep -q "^Quantity mismatch: [1-9]" "$week/reconcile.txt"'
check "inspect an order of the saved week" \
  '"$bin" inspect SO-100010 --replay "$week/inputs.jsonl" | grep -q "^order SO-100010"'
rm -rf "$out.2" "$week"
# The ERP simulator as a tool: the same seed, the same file; a replayable one.
"$bin" simulate erp --days 2 --seed 11 -o "$out.a" 2>/dev/null
"$bin" simulate erp --days 2 --seed 11 -o "$out.b" 2>/dev/null
"$bin" simulate erp --days 2 --seed 12 -o "$out.c" 2>/dev/null
check "simulate erp: same seed, same file" 'cmp -s "$out.a" "$out.b"'
check "simulate erp: another seed, another file" '! cmp -s "$out.a" "$out.c"'
check "simulate erp: a week of records" '[[ $(wc -l <"$out.a") -gt 1000 ]]'
check "simulate erp: every line replays" '"$bin" replay "$out.a" 2>&1 >/dev/null | grep -q " 0 bad)"'
check "simulate erp: amendments, holds and stock per warehouse" \
  'grep -q "\"topic\":\"amendments\"" "$out.a" && grep -q "\"topic\":\"holds\"" "$out.a" && grep -q "\"warehouseId\":\"WH-HAM\"" "$out.a"'
"$bin" simulate erp --days 2 --seed 11 --v1 -o "$out.d" 2>/dev/null
check "simulate erp --v1: neither amendments nor holds nor warehouses" \
  '! grep -Eq "\"topic\":\"(amendments|holds)\"|warehouseId" "$out.d" && [[ $(wc -l <"$out.d") -gt 1000 ]]'
rm -f "$out.a" "$out.b" "$out.c" "$out.d"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
