#!/usr/bin/env python3
"""Faithfulness of the Kafka Streams peer: on a real broker, its committed
outputs equal `orderflow replay` of the same records.

A broker of the test's own (tests/integration/harness.py), the peer's topics
made by `orderflow topics create` under the prefix `peer`, a seeded
harness.Workload with ample stock (its outcome does not depend on how Kafka
interleaves topics and partitions), published in two phases as the
exactly-once tests do; the peer's outputs read with read_committed
(`orderflow tail`), compared with the replay's:

- per order, the same status sequence (previous, status, reasons);
- per order, the same delivery tasks (taskId, action, lines, priority,
  shipBy, deliverBy);
- the same escalations (id, kind, level, state) and dead letters (key,
  reason).

Phase 3 moves event time on: cancellations for orders that never come
(held, rule 4), ten days after the workload, in every partition, then twenty
days after it. The first fires the deadline ladder (rule 6) of every order
left ALLOCATED, the second expires the held cancellations of the first
(UNMATCHED_CANCELLATION).

Rule 3 too, without depending on interleaving: six orders for one SKU that
has no stock (SCARCE, after the workload's orders in phase 1) are all
BACKORDERED whatever order they come in; a receipt of 7 units at the start
of phase 2 then serves them in priority order (service level, shipBy,
placedAt): three ALLOCATED, one holding a unit, two with none, and those
three age (BACKORDER_AGED levels 1 and 2) when phase 3 moves the clock.

Times: `shipBy`, `deliverBy` and the escalation ids (which carry placedAt)
must be equal. `occurredAt`, `createdAt` and `detectedAt` may be later than
the replay's only as rule 8 allows: the peer's clock is per Kafka Streams
task (one partition of each topic), so a record the task takes after a later
one of another topic is applied at the clock as it stands, never earlier
than its own time. A time earlier than the replay's is a failure; later ones
are counted and reported.

Invoices are the project's addition, not rules 1-6, and not the peer's:
they are neither published to the peer nor given to the replay.

Two runs: undisturbed, and with the peer killed (SIGKILL) once in phase 1
and once in phase 2 and started again on its state folder (exactly_once_v2:
the outputs must be the same, none twice).

Usage: faithfulness_test.py ORDERFLOW_BINARY [ORDERS]
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "integration"))

import harness  # noqa: E402
from harness import Workload, log, suffix  # noqa: E402

PREFIX = "peer"
SEED = 17
# Enough keys that every partition of `cancellations` gets some.
CLOCK_KEYS = ["NEVER-%02d" % i for i in range(40)]


def scarce_orders(workload):
    """Phase 1's six orders of SCARCE, 2 units each, after the workload's."""
    last = (harness.datetime.strptime(workload.orders[-1]["timestamp"],
                                      "%Y-%m-%dT%H:%M:%S.%fZ")
            .replace(tzinfo=harness.timezone.utc) - harness.BASE).total_seconds()
    records = []
    # (id, service level, promise in days or None): by rule 3 the order of
    # service is P-4, P-3, P-6, P-2 (an earlier promise), P-1, P-5.
    for n, (oid, level, promise) in enumerate([
            ("P-1", "STANDARD", None), ("P-2", "STANDARD", 4), ("P-3", "EXPRESS", None),
            ("P-4", "OVERNIGHT", None), ("P-5", "STANDARD", None), ("P-6", "EXPRESS", None)]):
        placed = last + 1 + n
        value = {"orderId": oid, "customerId": "C-1", "placedAt": harness.ts(placed),
                 "serviceLevel": level, "currency": "EUR", "shipTo": dict(harness.ADDRESS),
                 "lines": [{"lineId": "1", "sku": "SCARCE", "quantity": 2,
                            "unitPriceMinor": 500}]}
        if promise:
            value["promisedDeliveryAt"] = harness.ts(placed + promise * 86400)
        records.append({"topic": "orders", "key": oid, "timestamp": harness.ts(placed),
                        "value": value})
    return records


def scarce_receipt(phase2):
    when = harness.datetime.strptime(phase2[0]["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=harness.timezone.utc) - harness.BASE
    at = harness.ts(when.total_seconds() - 1)
    return [{"topic": "inventory", "key": "SCARCE", "timestamp": at,
             "value": {"sku": "SCARCE", "kind": "RECEIPT", "quantity": 7, "occurredAt": at}}]


def clock_advances(workload):
    """Phase 3: held cancellations 10 days, then 20 days, after the last input."""
    last = max(r["timestamp"] for r in workload.phase1() + workload.phase2())
    base = (harness.datetime.strptime(last, "%Y-%m-%dT%H:%M:%S.%fZ")
            .replace(tzinfo=harness.timezone.utc) - harness.BASE).total_seconds()
    records = []
    for days in (10, 20):
        when = harness.ts(base + days * 86400)
        for oid in CLOCK_KEYS:
            key = "%s-%d" % (oid, days)
            records.append({"topic": "cancellations", "key": key, "timestamp": when,
                            "value": {"orderId": key, "requestedAt": when,
                                      "reason": "moves the clock"}})
    return records


def build_peer():
    out = subprocess.run(["bash", os.path.join(HERE, "build.sh")], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def start_peer(jar, work, bootstrap, application_id="peer-faithfulness"):
    logf = open(os.path.join(work, "peer.log"), "a")
    return subprocess.Popen(
        ["java", "-Xmx1g", "-jar", jar, "--bootstrap", bootstrap, "--prefix", PREFIX,
         "--application-id", application_id, "--state-dir",
         os.path.join(work, "peer-state")],
        stdout=logf, stderr=subprocess.STDOUT)


def stop_peer(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def per_order(records):
    """Per order, its status sequence and tasks, in output order (an order's
    records are in one partition: by offset on Kafka, by line in replay)."""
    statuses, tasks = defaultdict(list), defaultdict(list)
    times = []  # (what, replay-comparable key, time)
    ordered = sorted(enumerate(records),
                     key=lambda ir: (ir[1].get("partition", 0), ir[1].get("offset", ir[0])))
    for _, r in ordered:
        v, topic = r["value"], r["topic"]
        if topic == "order-status":
            oid = v["orderId"]
            step = (suffix(v.get("previousStatus"), "ORDER_STATUS_"),
                    suffix(v["status"], "ORDER_STATUS_"), tuple(v.get("reasons", [])))
            statuses[oid].append(step)
            times.append((("status", oid, len(statuses[oid]), step[1]), v.get("occurredAt")))
        elif topic == "delivery-tasks":
            oid = v["orderId"]
            tasks[oid].append((v["taskId"], suffix(v["action"], "TASK_ACTION_"),
                               json.dumps(v.get("lines", []), sort_keys=True),
                               suffix(v.get("priority"), "SERVICE_LEVEL_"),
                               v.get("shipBy"), v.get("deliverBy")))
            times.append((("task", oid, len(tasks[oid]), tasks[oid][-1][1]), v.get("createdAt")))
        elif topic == "escalations":
            times.append((("escalation", v["escalationId"], 0,
                           suffix(v["state"], "ESCALATION_STATE_")), v.get("detectedAt")))
    return statuses, tasks, dict(times)


def others(records):
    """Escalations and dead letters, as multisets."""
    out = Counter()
    for r in records:
        v, topic = r["value"], r["topic"]
        if topic == "escalations":
            out[("escalation", v["escalationId"], suffix(v["kind"], "ESCALATION_KIND_"),
                 v["level"], suffix(v["state"], "ESCALATION_STATE_"))] += 1
        elif topic == "dead-letter":
            out[("dead-letter", r.get("key"), v.get("reason"))] += 1
    return out


def compare(expected, actual):
    """Problems, and a summary of what matched."""
    problems, summary = [], {}
    e_status, e_tasks, e_times = per_order(expected)
    a_status, a_tasks, a_times = per_order(actual)
    for oid in sorted(set(e_status) | set(a_status)):
        if e_status.get(oid) != a_status.get(oid):
            problems.append("order %s: statuses %s, replay %s"
                            % (oid, a_status.get(oid), e_status.get(oid)))
    for oid in sorted(set(e_tasks) | set(a_tasks)):
        if e_tasks.get(oid) != a_tasks.get(oid):
            problems.append("order %s: tasks %s, replay %s"
                            % (oid, a_tasks.get(oid), e_tasks.get(oid)))
    e_other, a_other = others(expected), others(actual)
    for k in sorted(set(e_other) | set(a_other), key=str):
        if e_other[k] != a_other[k]:
            problems.append("%s: %d from the peer, %d in the replay" % (k, a_other[k], e_other[k]))
    later = Counter()
    for k, t in e_times.items():
        got = a_times.get(k)
        if got is None or t is None or got == t:
            continue
        if got < t:  # RFC 3339 UTC with milliseconds: compares as text
            problems.append("%s: at %s, earlier than the replay's %s" % (k, got, t))
        else:
            later["%s %s" % (k[0], k[3])] += 1
    summary["orders"] = len(e_status)
    summary["orders with the same status sequence"] = sum(
        1 for oid in e_status if e_status[oid] == a_status.get(oid))
    summary["orders with tasks / with the same tasks"] = "%d / %d" % (
        len(e_tasks), sum(1 for oid in e_tasks if e_tasks[oid] == a_tasks.get(oid)))
    kinds = Counter(k[0] if k[0] == "dead-letter" else "%s %s/%d %s" % (k[0], k[2], k[3], k[4])
                    for k in e_other.elements())
    matched = Counter()
    for k, n in e_other.items():
        name = k[0] if k[0] == "dead-letter" else "%s %s/%d %s" % (k[0], k[2], k[3], k[4])
        matched[name] += min(n, a_other[k])
    for name in sorted(kinds):
        summary["%s (replay / matched)" % name] = "%d / %d" % (kinds[name], matched[name])
    summary["times equal to the replay's"] = sum(
        1 for k, t in e_times.items() if a_times.get(k) == t)
    summary["times later than the replay's (rule 8, late record at the clock)"] = (
        "%d %s" % (sum(later.values()), dict(sorted(later.items()))))
    return problems, summary


class Peer:
    """The peer's process, which `crash` kills (SIGKILL) and starts again on
    the same state folder."""

    def __init__(self, jar, work, bootstrap):
        self.jar, self.work, self.bootstrap = jar, work, bootstrap
        self.proc = start_peer(jar, work, bootstrap)

    def crash(self):
        self.proc.kill()
        self.proc.wait()
        log("peer killed; starting it again")
        self.proc = start_peer(self.jar, self.work, self.bootstrap)

    def check_alive(self):
        check_alive(self.proc, self.work)

    def stop(self):
        stop_peer(self.proc)


def faithfulness(binary, work, orders, crashes=False):
    """With `crashes`, the peer is killed once while it works through the
    orders and once while it works through the shipments, and started
    again: exactly once, the outputs are the same."""
    jar = build_peer()
    log("peer jar: %s" % jar)
    broker = harness.Broker(work)
    peer = None
    try:
        of = harness.Orderflow(binary, work, broker.start(),
                               extra_kafka="  topic_prefix: %s\n" % PREFIX)
        of.create_topics()
        workload = Workload(SEED, orders)
        scarce = scarce_orders(workload)
        phase1 = workload.phase1() + scarce
        phase2 = sorted(workload.cancellations + workload.shipments,
                        key=lambda r: r["timestamp"])
        receipt = scarce_receipt(phase2)
        advances = clock_advances(workload)
        expected_phase1 = of.replay(phase1)
        expected_phase2 = of.replay(phase1 + receipt + phase2)
        expected = of.replay(phase1 + receipt + phase2 + advances)
        # Stock first, then the orders: the inventory task takes records in
        # timestamp order, and every count is older than every request.
        of.publish("inventory", workload.inventory)
        of.publish("orders", workload.orders + scarce)
        started = time.time()
        peer = Peer(jar, work, of.bootstrap)
        if crashes:
            wait_for_some(of, "order-status", len(expected_phase1) // 8, peer)
            peer.crash()
        harness.wait_for(of, expected_phase1, "phase 1", timeout=600,
                         on_wait=peer.check_alive)
        log("phase 1 settled in %.1f s" % (time.time() - started))
        of.publish("inventory", receipt)
        of.publish("cancellations", workload.cancellations)
        of.publish("shipments", workload.shipments)
        if crashes:
            have = sum(1 for r in expected_phase1 if r["topic"] == "order-status")
            wait_for_some(of, "order-status", have + len(workload.shipments) // 8, peer)
            peer.crash()
        harness.wait_for(of, expected_phase2, "phase 2", timeout=600,
                         on_wait=peer.check_alive)
        log("phase 2 settled in %.1f s" % (time.time() - started))
        of.publish("cancellations", advances)
        harness.wait_for(of, expected, "phase 3", timeout=600, on_wait=peer.check_alive)
        time.sleep(3)  # anything beyond the expected would show by now
        actual = harness.tail_outputs(of)
        log("all settled in %.1f s" % (time.time() - started))
        problems, summary = compare(expected, actual)
        problems += harness.status_chains(actual)
        for k, v in summary.items():
            log("  %s: %s" % (k, v))
        return problems
    finally:
        if peer:
            peer.stop()
        broker.stop()


def wait_for_some(of, topic, count, peer, timeout=300):
    """Until `topic` holds `count` committed records: the peer is at work."""
    deadline = time.time() + timeout
    while len(of.tail(topic)) < count:
        if time.time() > deadline:
            raise AssertionError("%s: fewer than %d records after %d s" % (topic, count, timeout))
        peer.check_alive()
        time.sleep(0.5)


def check_alive(peer, work):
    if peer.poll() is not None:
        with open(os.path.join(work, "peer.log")) as f:
            tail = f.read()[-3000:]
        raise AssertionError("the peer exited %d: %s" % (peer.returncode, tail))


def main():
    binary = sys.argv[1]
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    harness.main([("peer faithfulness, %s, %d orders" % (name, orders),
                   lambda work, crashes=crashes: faithfulness(binary, work, orders, crashes))
                  for name, crashes in (("undisturbed", False), ("killed twice", True))],
                 names_from_argv=False)


if __name__ == "__main__":
    main()
