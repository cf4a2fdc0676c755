"""Checks a monthly review page: well formed and self-contained as
check_html.py has it (every element closed in order, no script, nothing
fetched), each inline SVG well-formed XML with labels, the three charts
there, every top problem of the text in the page word for word, and the
holds and contacts tables holding the text's numbers.

Usage: check_month_html.py REPORT.html REPORT.txt MONTH
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_html import check_page  # noqa: E402


def main():
    html = open(sys.argv[1], encoding="utf-8").read()
    text = open(sys.argv[2], encoding="utf-8").read()
    month = sys.argv[3]
    errors, page, flow = check_page(
        html, [f"Escalations raised per day in {month}, top problems",
               f"Contacts per day in {month}, top root causes",
               f"Contacts in {month} by root cause"])

    problems = 0
    for line in text.splitlines():
        m = re.match(r"^  \d\. (\S+: \d+ (?:raised|contacts?), .*)$", line)
        if m:
            problems += 1
            if m.group(1) not in flow:
                errors.append(f"top problem not in the page: {m.group(1)}")
    if problems == 0:
        errors.append("no top problem read from the text")

    # Table rows of the text: a name, then numbers, durations or n/a.
    rows = 0
    cell = r"(\d+(?:\.\d)?|\d+h\d\dm|n/a)"
    for line in text.splitlines():
        m = re.match(rf"^  ([A-Z_]+)((?:\s+{cell})+)$", line)
        if not m:
            continue
        rows += 1
        wanted = " ".join([m.group(1)] + m.group(2).split())
        if wanted not in page:
            errors.append(f"row not in the page: {wanted}")
    if rows < 6:
        errors.append(f"only {rows} table rows read from the text")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
