#!/usr/bin/env bash
# `orderflow report --month` end to end, with known answers.
#
# two-months.input.jsonl (February and March 2026) is replayed with the
# real binary; the review of 2026-03, read from the replay's output and its
# input (two --from), must be two-months.expected.txt byte for byte (on
# stdout and in --text). two-months.md explains every number of it. The
# HTML must be well formed, hold its three charts as SVG and show the
# text's problems and tables. A bad --month, --month with --week, and
# --month with --json are one line and exit code 2.
# Usage: month_command_test.sh ORDERFLOW_BINARY TEST_DIR
set -euo pipefail
bin=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

cp "$dir/two-months.input.jsonl" input.jsonl
"$bin" replay --output outputs.jsonl input.jsonl 2>/dev/null

"$bin" report --month 2026-03 --from outputs.jsonl --from input.jsonl \
  --html month.html --text month.txt >stdout.txt 2>stderr.txt ||
  fail "report exited $? ($(cat stderr.txt))"
diff -u "$dir/two-months.expected.txt" stdout.txt || fail "stdout differs from two-months.expected.txt"
diff -u "$dir/two-months.expected.txt" month.txt || fail "--text differs from stdout"
grep -qx 'report 2026-03: outputs.jsonl, input.jsonl: 148 records used, 25 delivery tasks passed over, 31 input records passed over; wrote month.html' \
  stderr.txt || fail "summary: $(cat stderr.txt)"
python3 "$dir/check_month_html.py" month.html month.txt 2026-03 || fail "HTML check"

# Without the input: the escalations and contacts' root causes are there,
# holds and contact kinds are not, and the text says why.
"$bin" report --month 2026-03 --from outputs.jsonl --html - >outputs-only.txt 2>/dev/null
grep -qx '  1. CUSTOMER_CONTACT: 6 raised, 2026-02: 2, +4 (+200.0 %), e.g. M-2, M-3, M-4' \
  outputs-only.txt || fail "outputs only: $(cat outputs-only.txt)"
grep -q '^no input records read' outputs-only.txt || fail "outputs only: no note"
grep -qE '^  not read +66\.7 +40\.0 +6 +2$' outputs-only.txt || fail "kinds not read"

# A month with nothing before it: every problem is new; the default HTML
# name is the month's.
"$bin" report --month 2026-02 --from outputs.jsonl --from input.jsonl >feb.txt 2>/dev/null
[[ -s report-2026-02.html ]] || fail "no report-2026-02.html by default"
grep -qx '  1. CUSTOMER_CONTACT: 2 raised, 2026-01: 0, new, e.g. F-3, F-4' feb.txt ||
  fail "February: $(cat feb.txt)"

# Bad arguments: one line on stderr, exit code 2, nothing written.
check_bad() {
  local rc=0
  "$bin" report "$@" --from outputs.jsonl --html bad.html >out.txt 2>err.txt || rc=$?
  [[ $rc == 2 ]] || fail "$* exited $rc"
  [[ $(wc -l <err.txt) == 1 ]] || fail "$* said: $(cat err.txt)"
  [[ ! -s out.txt && ! -e bad.html ]] || fail "$* wrote a report"
}
for month in 2026-13 2026-00 2026-3 2026-W10 1970-01 03-2026 ""; do
  check_bad --month "$month"
done
check_bad --month 2026-13
grep -qx "orderflow: --month 2026-13: the month must be 01 to 12" err.txt ||
  fail "message: $(cat err.txt)"
check_bad --month 2026-3
grep -qx "orderflow: --month 2026-3: expected a month like 2026-03" err.txt ||
  fail "message: $(cat err.txt)"
check_bad --month 2026-03 --week 2026-W10
grep -qx "orderflow: report takes either --week or --month, not both" err.txt ||
  fail "message: $(cat err.txt)"
check_bad --month 2026-03 --json m.json
echo "month command: ok"
