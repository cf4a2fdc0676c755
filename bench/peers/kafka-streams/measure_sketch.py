#!/usr/bin/env python3
"""A first sketch of issue #17's item 3 for the peer alone: how fast the
Kafka Streams peer works through a backlog, what CPU its own process spends
per order, and what it writes per order. Not yet the side-by-side run of
the issue (orderflow, the peer and the passthrough on one broker, one after
the other) and no latency at half rate: see README.md.

Steps: a broker of its own; the peer's topics (prefix `peer`); a
harness.Workload's stock and orders published (a backlog, ample stock);
the peer started; the committed `order-status` polled until it holds every
expected status. Reported:

- orders/s from the first committed status to the last;
- CPU seconds of the peer's process (utime + stime of all its threads, from
  /proc/PID/stat), from start and from the first status, per order;
- bytes on the broker's disk per order for each topic the peer writes
  (outputs, allocation topics, its changelogs), transaction markers and
  batch headers included.

Usage: measure_sketch.py ORDERFLOW_BINARY [ORDERS]
"""

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "integration"))

import harness  # noqa: E402
from faithfulness_test import PREFIX, build_peer, start_peer, stop_peer  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
INPUTS = ("orders", "cancellations", "shipments", "inventory", "invoices")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def bytes_by_topic(data_dir):
    """Bytes of each topic's log segments, partitions added up."""
    out = Counter()
    for d in os.listdir(data_dir):
        path = os.path.join(data_dir, d)
        if not os.path.isdir(path) or "-" not in d:
            continue
        topic = d.rsplit("-", 1)[0]
        out[topic] += sum(os.path.getsize(os.path.join(path, f))
                          for f in os.listdir(path) if f.endswith(".log"))
    return out


def measure(binary, work, orders):
    jar = build_peer()
    broker = harness.Broker(work)
    peer = None
    try:
        of = harness.Orderflow(binary, work, broker.start(),
                               extra_kafka="  topic_prefix: %s\n" % PREFIX)
        of.create_topics()
        workload = harness.Workload(17, orders)
        want = sum(1 for r in of.replay(workload.phase1()) if r["topic"] == "order-status")
        of.publish("inventory", workload.inventory)
        of.publish("orders", workload.orders)
        started = time.time()
        peer = start_peer(jar, work, of.bootstrap, "peer-measure")
        first = first_cpu = None
        while True:
            have = len(of.tail("order-status"))
            now = time.time()
            if have and first is None:
                first, first_cpu = now, cpu_seconds(peer.pid)
            if have >= want:
                break
            if now - started > 900:
                raise AssertionError("only %d of %d statuses after 900 s" % (have, want))
            time.sleep(0.5)
        done, done_cpu = time.time(), cpu_seconds(peer.pid)
        time.sleep(2)  # the last commit's changelog writes
        written = bytes_by_topic(os.path.join(work, "broker", "data"))
        print("orders: %d (%d statuses)" % (orders, want))
        print("orders/s, first to last committed status: %.0f" % (orders / (done - first)))
        print("peer CPU s: %.1f from start, %.1f from the first status; %.0f us per order"
              % (done_cpu, done_cpu - first_cpu, 1e6 * (done_cpu - first_cpu) / orders))
        inputs = {"%s.%s.v1" % (PREFIX, t) for t in INPUTS}
        for topic, n in sorted(written.items()):
            if topic in inputs or not (topic.startswith(PREFIX + ".")
                                       or topic.startswith("peer-measure-")):
                continue
            if n:
                print("bytes per order  %-50s %8.1f" % (topic, n / orders))
    finally:
        if peer:
            stop_peer(peer)
        broker.stop()


def main():
    binary = sys.argv[1]
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    work = tempfile.mkdtemp(prefix="orderflow-peer-measure-")
    try:
        measure(binary, work, orders)
    finally:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
