#!/usr/bin/python3
"""Checks the deploy files against the engine they deploy.

  check_deploy.py grafana ROOT               the Grafana dashboard asks only
      for metrics the engine exports or the rules record, and shows what
      the built-in dashboard shows

Prints "N passed, 0 failed" and exits 0 when every check holds; the first
failed check ends the run with its reason.
"""
import json
import os
import re
import sys

import yaml

checks = 0


def check(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        print(f"{checks} passed, 1 failed")
        sys.exit(1)
    checks += 1


def run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
    check(done.returncode == 0, " ".join(args))
    return done.stdout


def grafana_checks(root):
    with open(os.path.join(root, "observe", "prometheus.cc")) as f:
        exported = set(re.findall(r'"(orderflow_[a-z_]+)"', f.read()))
    with open(os.path.join(root, "deploy", "monitoring", "orderflow-rules.yml")) as f:
        rules = yaml.safe_load(f)
    recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    with open(os.path.join(root, "deploy", "monitoring", "grafana-dashboard.json")) as f:
        board = json.load(f)
    check(board.get("title") and board.get("uid"), "the dashboard has a title and a uid")
    used = set()
    for panel in board["panels"]:
        for t in panel.get("targets", []):
            for name in re.findall(r"\b(?:instance:)?orderflow[_:][a-z0-9_:]+", t["expr"]):
                used.add(name)
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                check(name in recorded or base in exported,
                      f"panel {panel['title']!r}: {name} is exported or recorded")
    # What the built-in dashboard shows (observe/dashboard/index.html).
    for needed in ["orderflow_orders_received_total", "orderflow_orders_accepted_total",
                   "orderflow_orders_allocated_without_backorder_total",
                   "orderflow_orders_delivered_on_time_total",
                   "orderflow_orders_delivered_total",
                   "orderflow_backlog_orders", "orderflow_order_cycle_time_seconds",
                   "orderflow_escalations_raised_total", "orderflow_input_records_total",
                   "orderflow_commits_total", "orderflow_commit_duration_seconds_bucket",
                   "orderflow_dead_letters_total"]:
        check(needed in used, f"the dashboard shows {needed}")
    titles = " | ".join(p["title"] for p in board["panels"])
    for title in ["Orders received", "Accuracy", "Fill rate", "On-time delivery",
                  "Backlog", "Placed", "Cycle time", "Escalations raised by kind",
                  "Backlog by status", "Backlog by age"]:
        check(title in titles, f"a panel titled {title!r} (have: {titles})")


def main():
    what = sys.argv[1]
    if what == "grafana":
        grafana_checks(sys.argv[2])
    else:
        sys.exit(f"unknown check {what}")
    print(f"{checks} passed, 0 failed")


if __name__ == "__main__":
    main()
