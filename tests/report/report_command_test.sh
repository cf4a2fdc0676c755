#!/usr/bin/env bash
# `orderflow report` end to end, with known answers.
#
# two-weeks.input.jsonl (2026-W09 and 2026-W10) is replayed with the real
# binary; a line that is not JSON is put into the output (as line 11), and
# the report for 2026-W10 must be two-weeks.expected.txt byte for byte (on
# stdout and in --text). two-weeks.md explains every number of it. The
# HTML must be well formed, hold the four day-by-day charts and the
# escalation chart as SVG, and show the same headline numbers. A bad
# --week is one line and exit code 2.
# Usage: report_command_test.sh ORDERFLOW_BINARY TEST_DIR
set -euo pipefail
bin=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" replay --output replayed.jsonl "$dir/two-weeks.input.jsonl" 2>/dev/null
sed '11i this is not json' replayed.jsonl > outputs.jsonl

"$bin" report --week 2026-W10 --from outputs.jsonl --html week.html \
  --text week.txt --json week.json >stdout.txt 2>stderr.txt ||
  fail "report exited $? ($(cat stderr.txt))"
diff -u "$dir/two-weeks.expected.txt" stdout.txt || fail "stdout differs from two-weeks.expected.txt"
diff -u "$dir/two-weeks.expected.txt" week.txt || fail "--text differs from stdout"
grep -qx 'outputs.jsonl:11: not valid JSON (skipped)' stderr.txt ||
  fail "the bad line is not named with its number: $(cat stderr.txt)"
grep -q '1 bad line skipped; wrote week.html' stderr.txt || fail "summary: $(cat stderr.txt)"

python3 "$dir/check_html.py" week.html week.txt || fail "HTML check"
python3 - week.json <<'PY' || fail "JSON check"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["week"] == "2026-W10" and j["previousWeek"] == "2026-W09"
assert j["current"]["orders"]["received"] == 15 and j["previous"]["orders"]["received"] == 7
assert len(j["days"]) == 7 and sum(d["orders"]["received"] for d in j["days"]) == 15
assert j["current"]["backlog"]["total"] == 4
assert [p["kind"] for p in j["topProblems"]] == [
    "SHIP_DEADLINE_AT_RISK", "SHIP_DEADLINE_MISSED", "BACKORDER_AGED"]
assert j["topProblems"][0]["exampleOrders"] == ["Q-3", "Q-2", "Q-15"]
PY

# The report reads standard input too, and the default HTML name is the week's.
"$bin" report --week 2026-W10 --from - <replayed.jsonl >stdin.txt 2>/dev/null
[[ -s report-2026-W10.html ]] || fail "no report-2026-W10.html by default"
grep -q '^read 72 status changes' stdin.txt || fail "standard input"

# Bad arguments: one line on stderr, exit code 2, nothing written.
for week in 2026-W54 2025-W53 2026-09 W09 "" 2026-W1; do
  rc=0
  "$bin" report --week "$week" --from outputs.jsonl --html bad.html >out.txt 2>err.txt || rc=$?
  [[ $rc == 2 ]] || fail "--week '$week' exited $rc"
  [[ $(wc -l <err.txt) == 1 ]] || fail "--week '$week' said: $(cat err.txt)"
  [[ ! -s out.txt && ! -e bad.html ]] || fail "--week '$week' wrote a report"
done
grep -qx "orderflow: --week 2026-W1: expected an ISO week like 2026-W09" err.txt ||
  fail "message: $(cat err.txt)"
rc=0; "$bin" report --week 2026-W10 >out.txt 2>err.txt || rc=$?
[[ $rc == 2 && $(wc -l <err.txt) == 1 ]] || fail "no source: exit $rc, $(cat err.txt)"

# An unreadable file: named, exit code 1.
rc=0; "$bin" report --week 2026-W10 --from missing.jsonl >out.txt 2>err.txt || rc=$?
[[ $rc == 1 ]] && grep -qx "orderflow: missing.jsonl: cannot open" err.txt ||
  fail "missing file: exit $rc, $(cat err.txt)"

# A replay input given by mistake: every line named as not an output.
rc=0; "$bin" report --week 2026-W10 --from "$dir/two-weeks.input.jsonl" --html - \
  >out.txt 2>err.txt || rc=$?
grep -q "two-weeks.input.jsonl:1: topic 'inventory' is not an output topic" err.txt ||
  fail "replay input: $(head -3 err.txt)"
echo "report command: ok"
