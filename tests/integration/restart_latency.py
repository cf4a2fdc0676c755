#!/usr/bin/env python3
"""How long a restarted `orderflow run` takes to commit again, on a broker
of its own: the engine is SIGKILLed, a few orders are published while it is
down, and it is started again with the same instance_id; the time from the
start to its first committed transaction (orderflow_commits_total > 0 on
its metrics endpoint, which is refreshed about once a second) is measured.

Usage: restart_latency.py ORDERFLOW [--restarts N] [--max-seconds S]

Prints one line per restart and the median and the largest; with
--max-seconds, exits 1 when any restart took longer. The stage consumers
run with the session settings librdkafka and `orderflow run` choose (no
session.timeout.ms in kafka.properties), as in production.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import log  # noqa: E402


def last_metrics_url(of, instance_id="0"):
    urls = re.findall(r"^run: dashboard at (\S+?),?\s", of.engine_log(instance_id),
                      re.MULTILINE)
    return urls[-1] if urls else None


def commits(url):
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/metrics", timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return 0
    m = re.search(r"^orderflow_commits_total (\d+)", text, re.MULTILINE)
    return int(m.group(1)) if m else 0


def seconds_to_first_commit(of, log_lines_before, timeout=120):
    """From now (just after the start) until the new process commits."""
    started = time.time()
    url = None
    while time.time() - started < timeout:
        if url is None:
            text = of.engine_log("0")
            if text.count("run: dashboard at ") > log_lines_before:
                url = last_metrics_url(of)
        if url is not None and commits(url) > 0:
            return time.time() - started
        time.sleep(0.1)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("orderflow")
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="orderflow-restart-")
    workload = harness.Workload(seed=5, orders=20 * (args.restarts + 1))
    chunks = [workload.orders[i::args.restarts + 1]
              for i in range(args.restarts + 1)]
    times = []
    broker = harness.Broker(work)
    of = None
    try:
        of = harness.Orderflow(args.orderflow, work, broker.start(), properties={})
        of.create_topics()
        of.publish("inventory", workload.inventory)
        of.publish("orders", chunks[0])
        of.start_engine("0")
        first = seconds_to_first_commit(of, 0)
        log("first start: %s s to the first commit" % first)
        for n in range(args.restarts):
            time.sleep(2)
            of.kill_engine("0")
            of.publish("orders", chunks[n + 1])
            before = of.engine_log("0").count("run: dashboard at ")
            of.start_engine("0")
            took = seconds_to_first_commit(of, before)
            log("restart %d: %s s to the first commit" % (n + 1, took))
            times.append(took if took is not None else float("inf"))
    finally:
        if of:
            of.stop_all()
        broker.stop()
    print("restarts: %d; seconds to the first commit: median %.1f, max %.1f; %s"
          % (len(times), statistics.median(times), max(times),
             " ".join("%.1f" % t for t in times)))
    if args.max_seconds is not None and max(times) > args.max_seconds:
        print("FAIL: a restart took longer than %.0f s (work folder kept: %s)"
              % (args.max_seconds, work))
        sys.exit(1)
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
