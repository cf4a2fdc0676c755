"""Checks a weekly report page: well formed (every element closed in the
right order, by html.parser), each inline SVG a well-formed XML document,
nothing fetched from elsewhere and no script, the five charts there, and
every headline number of the text summary in the page.

Usage: check_html.py REPORT.html REPORT.txt
"""
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.text = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        names = [a for a, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute: {names}")
        if tag == "script":
            self.errors.append("a script")
        for a, v in attrs:
            if a in ("src", "href") or (v and re.search(r"url\(|https?://(?!www\.w3\.org)", v)):
                self.errors.append(f"<{tag} {a}={v!r}> refers elsewhere")
        if tag == "svg":
            self.svgs += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_page(html, charts):
    """The checks every report page passes: well formed, self-contained, a
    doctype, each inline SVG well-formed XML with labels, and each of the
    chart titles `charts` there. Returns (errors, page, flow): the page's
    text with cells apart, and as running text as written."""
    c = Checker()
    c.feed(html)
    c.close()
    errors = list(c.errors)
    if c.stack:
        errors.append(f"not closed: {c.stack}")
    if not html.startswith("<!DOCTYPE html>"):
        errors.append("no doctype")

    ns = "{http://www.w3.org/2000/svg}"
    titles = []
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as e:
            errors.append(f"an SVG is not well-formed XML: {e}")
            continue
        titles.append(root.find(ns + "title").text)
        if not root.findall(f".//{ns}text"):
            errors.append(f"SVG {titles[-1]!r} has no labels")
    for w in charts:
        if w not in titles:
            errors.append(f"chart missing: {w!r} (have {titles})")

    page = " ".join(" ".join(c.text).split())
    flow = " ".join("".join(c.text).split())
    return errors, page, flow


def main():
    html = open(sys.argv[1], encoding="utf-8").read()
    text = open(sys.argv[2], encoding="utf-8").read()
    errors, page, flow = check_page(
        html, ["Orders received, shipped and delivered per day",
               "Backlog by status at the end of each day",
               "Cycle time placed -> shipped per day (hours)",
               "Cycle time placed -> delivered per day (hours)",
               "Escalations raised in 2026-W10 by kind"])

    # The headline table: every row of the text is a row of the page.
    rows = 0
    for line in text.splitlines():
        m = re.match(r"^  (\S.*?)\s{2,}(\S+(?: %|)|n/a)\s+(\S+(?: %|)|n/a)\s+(\S+(?: pp|)|n/a)$", line)
        if not m:
            continue
        rows += 1
        label, cur, prev, change = m.groups()
        if f"{label} {cur} {prev} {change}" not in page:
            errors.append(f"row not in the page: {label} | {cur} | {prev} | {change}")
    if rows < 30:
        errors.append(f"only {rows} rows read from the text")
    for line in text.splitlines():
        m = re.match(r"^  \d\. (\S+): (\d+) raised, e\.g\. (.*)$", line)
        if m and f"{m.group(1)}: {m.group(2)} raised, e.g. {m.group(3)}" not in flow:
            errors.append(f"top problem not in the page: {line.strip()}")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
