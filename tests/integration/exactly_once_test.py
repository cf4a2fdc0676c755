#!/usr/bin/env python3
"""Exactly-once on a real Kafka broker.

Each test starts its own broker, publishes a seeded workload (harness.Workload)
with `orderflow publish`, runs `orderflow run` (event-time clock), reads every
output with read_committed (`orderflow tail`) and checks, independently of the
engine:

- every status transition, delivery task and escalation that the replay of
  the same records gives, none missing and none twice;
- each order's transitions chain (each starts where the previous ended);
- stock conservation per SKU: the inventory stage's final state equals what
  the order outcomes imply.

  end_to_end              one engine, undisturbed; the weekly report read from
                          the output topics equals the one from the replay;
                          the engine serves its metrics and order timelines;
                          reconcile from the topics equals reconcile from files
  crash_restart           >= 100,000 input events; the engine is killed with
                          SIGKILL at random moments (>= 3 times) and restarted
  broker_restart_scale_out a second engine joins and later leaves; the broker
                          is killed and restarted in the middle
  split_event_times       two engines split the partitions from the start:
                          the outputs equal the replay's, times included
  aborts_rewind           every 2nd transaction is aborted (fault injection):
                          state rolls back and input rewinds each time
  mix_crash_restart       the v1.1 mix (mix_workload.py: warehouses, parcels,
                          amendments, holds, contacts) in three phases, the
                          engine killed with SIGKILL in each; amendment
                          results checked too

Usage: exactly_once_test.py ORDERFLOW_BINARY [TEST ...]
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import harness
import mix_workload
from collections import Counter

from harness import Workload, log


def settle(of, expected_phase1, expected_all, workload, disturb_phase1=None,
           disturb_phase2=None):
    of.publish("inventory", workload.inventory)
    harness.wait_for_stock(of, workload)
    of.publish("orders", workload.orders)
    if disturb_phase1:
        disturb_phase1()
    harness.wait_for(of, expected_phase1, "phase 1")
    log("phase 1 settled")
    of.publish("cancellations", workload.cancellations)
    of.publish("shipments", workload.shipments)
    of.publish("invoices", workload.invoices)
    if disturb_phase2:
        disturb_phase2()
    return harness.wait_for(of, expected_all, "phase 2")


def check(of, workload, expected, actual):
    problems = harness.compare(expected, actual, "outputs")
    problems += harness.status_chains(actual)
    problems += harness.stock_problems(of, workload, actual)
    log("checked %d output records against %d expected" % (len(actual), len(expected)))
    return problems


def scenario(work, orders, seed, engines_setup, after=(), **disturb):
    with harness.broker_and_orderflow(BINARY, work) as (broker, of):
        of.create_topics()
        workload = Workload(seed, orders)
        log("workload: %d input events" % workload.input_count())
        expected_phase1 = of.replay(workload.phase1())
        expected = of.replay(workload.replay_records())
        engines_setup(of)
        actual = settle(of, expected_phase1, expected, workload,
                        **{k: (lambda f=f: f(of, broker)) for k, f in disturb.items()})
        problems = check(of, workload, expected, actual)
        for check_more in after:
            problems += check_more(of, expected)
        for instance in list(of.engines):
            if of.stop_engine(instance) != 0:
                problems.append("engine %s: SIGTERM did not end it cleanly" % instance)
        return problems


def write_replay_output(of, expected):
    path = os.path.join(of.work, "replay-output.jsonl")
    with open(path, "w") as f:
        for r in expected:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    return path


def reconcile_from_topics(of, expected):
    """`orderflow reconcile` reading orders, invoices and order-status from
    Kafka says what it says from the replay's input and output files."""
    outputs = write_replay_output(of, expected)
    inputs = os.path.join(of.work, "replay-input.jsonl")  # what of.replay last ran
    texts = {}
    for source in (["--input", inputs, "--outputs", outputs], ["--config", of.config]):
        out = of.run("reconcile", "--month", "2026-03", *source, check=False)
        if out.returncode != 0:
            return ["reconcile %s: exit %d: %s" % (source[0], out.returncode, out.stderr[-300:])]
        texts[source[0]] = out.stdout
    log("reconcile from the topics: %s" % texts["--config"].splitlines()[0])
    problems = []
    if texts["--input"] != texts["--config"]:
        problems.append("reconcile from the topics differs from the one from the replay files")
    if "Quantity mismatch" not in texts["--config"]:
        problems.append("reconcile found no quantity mismatch; the workload bills some wrongly")
    return problems


def weekly_report_from_topics(of, expected):
    """`orderflow report` from the output topics says what it says from
    the replay's output file (but for cycle times, see below)."""
    path = write_replay_output(of, expected)
    texts = {}
    for source in (["--from", path], ["--config", of.config]):
        out = of.run("report", "--week", "2026-W10", "--html", "-", *source, check=False)
        if out.returncode != 0:
            return ["report %s: exit %d: %s" % (source[0], out.returncode, out.stderr[-300:])]
        # The "read ..." line names the source's extent. Cycle times and
        # the example orders of a problem are left out: on Kafka a shard's
        # event-time clock depends on how the partitions interleave, so
        # occurredAt and detectedAt may differ from the replay's by minutes.
        # Everything else must agree.
        texts[source[0]] = [l.split(", e.g. ")[0] for l in out.stdout.splitlines()
                            if not l.startswith("read ") and not l.startswith("  placed -> ")]
    log("weekly report from the topics: %d lines" % len(texts["--config"]))
    if texts["--from"] != texts["--config"]:
        diff = [l for l in texts["--config"] if l not in texts["--from"]][:5]
        return ["the weekly report from the topics differs from the one from the "
                "replay output, e.g. %r" % diff]
    if not any("received" in l for l in texts["--config"]):
        return ["the weekly report has no 'received' line"]
    return []


def served_metrics_problems(of, expected=None):
    """The engine (one process from start to end) serves, on /metrics and
    /api/metrics, the service metrics the replay of the same records
    counts: only committed work is counted, once."""
    from urllib.request import urlopen
    want = of.replay_metrics()
    url = of.engine_url("0")
    keys = ["received", "accepted", "rejected", "allocatedWithoutBackorder", "backordered",
            "cancelled", "shipped", "delivered", "deliveredOnTime", "deliveryFailures"]
    got = None
    deadline = time.time() + 15  # published about once a second
    while time.time() < deadline:
        with urlopen(url + "api/metrics", timeout=10) as r:
            got = json.load(r)
        if all(got["orders"][k] == want["orders"][k] for k in keys):
            break
        time.sleep(0.5)
    problems = []
    for k in keys:
        if got["orders"][k] != want["orders"][k]:
            problems.append("/api/metrics orders.%s = %s, the replay counts %s"
                            % (k, got["orders"][k], want["orders"][k]))
    for kind, n in want["escalations"]["raised"].items():
        if got["escalations"]["raised"][kind] != n:
            problems.append("/api/metrics escalations raised %s = %s, the replay counts %s"
                            % (kind, got["escalations"]["raised"][kind], n))
    if got["backlog"]["byStatus"] != want["backlog"]["byStatus"]:
        problems.append("/api/metrics backlog %s, the replay's %s"
                        % (got["backlog"]["byStatus"], want["backlog"]["byStatus"]))
    with urlopen(url + "metrics", timeout=10) as r:
        text = r.read().decode()
    line = "orderflow_orders_received_total %d\n" % want["orders"]["received"]
    if want["orders"]["received"] == 0 or line not in text:
        problems.append("/metrics lacks %r" % line.strip())
    if "orderflow_commits_total 0\n" in text:
        problems.append("/metrics counts no commit")
    if got["host"]["commitSeconds"]["count"] != got["host"]["commits"]:
        problems.append("/api/metrics times %s commits of %s"
                        % (got["host"]["commitSeconds"]["count"], got["host"]["commits"]))
    if "orderflow_commit_duration_seconds_count 0\n" in text:
        problems.append("/metrics times no commit")
    log("served metrics: %d orders received, %d delivered, %d commits, %d aborts"
        % (got["orders"]["received"], got["orders"]["delivered"], got["host"]["commits"],
           got["host"]["aborts"]))
    return problems


def served_order_timelines(of, expected, instance="0", also=()):
    """`orderflow inspect ID --url` against running engine `instance`: for
    orders with different histories (and the orders `also`), the timeline
    holds every output the replay gives for the order (times left out) and
    every input published for it."""
    by_order = {}
    for r in expected:
        if r["topic"] != "dead-letter":
            by_order.setdefault(r["key"], []).append(r)
    inputs = Counter()
    for topic in ("orders", "cancellations", "shipments", "invoices"):
        with open(os.path.join(of.work, "publish-%s.jsonl" % topic)) as f:
            for line in f:
                inputs[json.loads(line)["key"]] += 1
    # (This workload has stock for everything: tests/inspect covers a
    # backordered order.)
    wanted = ["DELIVERED", "CANCELLED", "DELIVERY_FAILED", "REJECTED"]
    chosen = {}
    for key, records in sorted(by_order.items()):
        for r in records:
            status = harness.suffix(r["value"].get("status"), "ORDER_STATUS_")
            if status in wanted and status not in chosen:
                chosen[status] = key
    problems = ["no order went %s" % s for s in wanted if s not in chosen]
    for key in also:
        chosen["%s as well" % key] = key
    url = of.engine_url(instance)
    for status, key in sorted(chosen.items()):
        # An order whose history a transaction left open by a killed
        # process holds back is answered as incomplete until the broker
        # aborts that transaction (the transaction timeout, 60 s).
        deadline = time.time() + 120
        while True:
            out = of.run("inspect", key, "--url", url, "--json", check=False)
            order = json.loads(out.stdout) if out.returncode == 0 else {}
            if "incomplete" not in order or time.time() > deadline:
                break
            time.sleep(5)
        if out.returncode != 0:
            problems.append("inspect %s: exit %d: %s" % (key, out.returncode, out.stderr))
            continue
        if "incomplete" in order:
            problems.append("inspect %s: still incomplete: %s" % (key, order["incomplete"]))
        timeline = order["timeline"]
        served = [{"topic": e["topic"], "key": key, "value": e["record"]}
                  for e in timeline if e["direction"] == "out"]
        problems += harness.compare(by_order[key], served, "timeline of %s (%s)" % (key, status))
        got_inputs = sum(1 for e in timeline if e["direction"] == "in")
        if got_inputs != inputs[key]:
            problems.append("timeline of %s: %d inputs, %d were published"
                            % (key, got_inputs, inputs[key]))
        text = of.run("inspect", key, "--url", url).stdout
        if ("order %s" % key) not in text.splitlines()[0]:
            problems.append("inspect %s: text starts %r" % (key, text[:60]))
    log("order timelines served for %s" % ", ".join("%s (%s)" % (k, s) for s, k in chosen.items()))
    return problems


def readiness(url):
    """(HTTP status, reason) of GET /readyz; (None, why) when it did not answer."""
    try:
        with urllib.request.urlopen(url + "readyz", timeout=2) as r:
            return r.status, ""
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace").strip()
    except OSError as e:
        return None, str(e)


def cluster_order_timelines(work):
    """Three engines share the partitions. Before the kill, each answers for
    orders of every partition. Engine 0 is SIGKILLed once phase 2 is
    published and does not come back: while the others take its partitions
    over, their /readyz says 503 (unassigned from the revocation, restoring
    while the new shards restore: GET /readyz/history keeps each change
    with what /readyz said, so a takeover shorter than a poll is seen all
    the same; what a fast poll of /readyz saw is logged), then 200; then
    each answers for every order with its whole timeline, the orders
    engine 0 handled before the kill (whose partitions moved half-way
    through their lives, their history read from Kafka) included."""
    moved, probes, found = [], {}, []
    assignments_before = {}
    killed_at = []  # wall clock, ms
    stop_probing = threading.Event()

    def readiness_history(url):
        with urllib.request.urlopen(url + "readyz/history", timeout=5) as r:
            return json.loads(r.read())["changes"]

    def takeover_readiness(instance):
        """What the survivor's /readyz said from the kill on, by its history."""
        changes = [c for c in readiness_history(of_url[instance])
                   if c["at"] >= killed_at[0]]
        log("engine %s assignments since the kill: %s" % (instance, " -> ".join(
            "%s %s %s (%s)" % (c["stage"], c["state"], c["partitions"],
                               "200" if c["ready"] else "503 " + c["readiness"])
            for c in changes)))
        problems = []
        not_ready = [c for c in changes if not c["ready"]]
        if not any(c["readiness"] in ("unassigned", "restoring") for c in not_ready):
            problems.append("engine %s: /readyz was not 503 (unassigned or restoring) "
                            "while it took engine 0's partitions over: %s"
                            % (instance, changes))
        if not changes or not changes[-1]["ready"]:
            problems.append("engine %s: its assignments did not end restored: %s"
                            % (instance, changes[-1:]))
        return problems

    of_url = {}

    def assignments(instance):
        return engine_log(work, instance).count("run: order stage assigned partitions")

    def three_engines(of):
        for instance in ("0", "1", "2"):
            of.start_engine(instance)

    def order_keys(of):
        with open(os.path.join(of.work, "publish-orders.jsonl")) as f:
            return sorted({json.loads(line)["key"] for line in f})

    def probe(url, instance):
        seen = probes.setdefault(instance, [])
        while not stop_probing.is_set():
            status = readiness(url)
            if not seen or seen[-1] != status:
                seen.append(status)
            time.sleep(0.02)

    def kill_engine_0(of, broker):
        keys = order_keys(of)
        by_partition = {}
        for k in keys:
            by_partition.setdefault(harness.partition_of(k, of.order_partitions), k)
        for instance in ("0", "1", "2"):
            url = of.engine_url(instance)
            for p, key in sorted(by_partition.items()):
                out = of.run("inspect", key, "--url", url, "--json", check=False)
                order = json.loads(out.stdout) if out.returncode == 0 else {}
                topics = {(e["direction"], e["topic"]) for e in order.get("timeline", [])}
                if not {("in", "orders"), ("out", "order-status")} <= topics:
                    found.append("engine %s on %s (partition %d) before the kill: %s"
                                    % (instance, key, p, out.stderr.strip() or sorted(topics)))
        held = []
        for line in engine_log(work, "0").splitlines():
            if line.startswith("run: order stage assigned partitions"):
                held = [int(p) for p in line.split("(")[0].split()[5:]]
        for instance in ("1", "2"):
            assignments_before[instance] = assignments(instance)
            threading.Thread(target=probe, args=(of.engine_url(instance), instance),
                             daemon=True).start()
        for instance in ("1", "2"):
            of_url[instance] = of.engine_url(instance)
        log("SIGKILL engine 0, which held order partitions %s" % held)
        killed_at.append(int(time.time() * 1000))
        of.kill_engine("0")
        moved.extend([k for k in keys if harness.partition_of(k, of.order_partitions) in held])

    def after_the_kill(of, expected):
        problems = list(found)
        # The survivors take engine 0's partitions once its session ends.
        deadline = time.time() + 90
        while time.time() < deadline and any(
                assignments(i) == n for i, n in assignments_before.items()):
            time.sleep(0.5)
        time.sleep(3.0)
        stop_probing.set()
        for instance, seen in sorted(probes.items()):
            log("engine %s /readyz polled after the kill: %s"
                % (instance, " -> ".join("%s %s" % (s, r[:90]) for s, r in seen)))
            if seen[-1][0] != 200:
                problems.append("engine %s /readyz ended %s" % (instance, seen[-1]))
        # Whether a poll every 20 ms falls inside the takeover depends on
        # timing (a restore of a few hundred orders takes milliseconds), so
        # the 503 is required of what the engine published, its history.
        for instance in ("1", "2"):
            problems += takeover_readiness(instance)
        if len(moved) < 10:
            return problems + ["only %d orders were engine 0's when it was killed" % len(moved)]
        keys = order_keys(of)
        also = moved[::len(moved) // 6] + keys[::len(keys) // 6]
        for instance in ("1", "2"):
            problems += served_order_timelines(of, expected, instance=instance, also=also)
        return problems

    return scenario(work, orders=400, seed=5, engines_setup=three_engines,
                    disturb_phase2=kill_engine_0, after=[after_the_kill])


LOCAL_ROUTING = "stage-to-stage messages now stay in it"
TOPIC_ROUTING = "stage-to-stage messages go through their topics"


def engine_log(work, name):
    path = os.path.join(work, "engine-%s.log" % name)
    return open(path).read() if os.path.exists(path) else ""


def end_to_end(work):
    problems = scenario(work, orders=3000, seed=1,
                        engines_setup=lambda of: of.start_engine("0"),
                        after=[weekly_report_from_topics, reconcile_from_topics,
                               served_metrics_problems, served_order_timelines])
    # One process holds every partition: requests and results stay in it.
    if LOCAL_ROUTING not in engine_log(work, "0"):
        problems.append("engine 0 never handed stage-to-stage messages over directly")
    return problems


def crash_restart(work):
    rnd = random.Random(7)
    kills = []

    def crash_repeatedly(of, broker, times):
        for _ in range(times):
            time.sleep(rnd.uniform(1.0, 4.0))
            log("SIGKILL engine 0")
            of.kill_engine("0")
            kills.append(time.time())
            time.sleep(rnd.uniform(0.0, 1.0))
            of.start_engine("0")

    problems = scenario(
        work, orders=40000, seed=2, engines_setup=lambda of: of.start_engine("0"),
        disturb_phase1=lambda of, broker: crash_repeatedly(of, broker, 2),
        disturb_phase2=lambda of, broker: crash_repeatedly(of, broker, 2))
    if len(kills) < 3:
        problems.append("the engine was killed only %d times" % len(kills))
    return problems


def broker_restart_scale_out(work):
    def join_and_crash_broker(of, broker):
        time.sleep(1.0)
        log("engine 1 joins")
        of.start_engine("1")
        time.sleep(3.0)
        log("SIGKILL the broker, then start it again")
        broker.kill()
        time.sleep(2.0)
        broker.start()

    def leave(of, broker):
        time.sleep(2.0)
        log("engine 1 leaves (SIGTERM)")
        if of.stop_engine("1") != 0:
            raise AssertionError("engine 1 did not stop cleanly")

    def direct_again(of, expected):
        # Engine 0 alone hands messages over directly, goes through the
        # topics while engine 1 holds partitions, and directly again once it
        # left. The outputs may all be there before engine 0 has taken over
        # every partition and drained the stage-to-stage topics (it gives up
        # draining after 30 s): waited for, before the engines are stopped.
        deadline = time.time() + 60
        while True:
            text = engine_log(work, "0")
            first_local = text.find(LOCAL_ROUTING)
            topics = text.find(TOPIC_ROUTING, first_local + 1)
            local_again = text.find(LOCAL_ROUTING, topics + 1)
            if first_local >= 0 and topics >= 0 and local_again >= 0:
                return []
            if time.time() > deadline:
                return ["engine 0's routing did not go direct, through the topics, "
                        "direct again in 60 s (found at %d, %d, %d)"
                        % (first_local, topics, local_again)]
            time.sleep(0.5)

    return scenario(work, orders=15000, seed=3,
                    engines_setup=lambda of: of.start_engine("0"), after=[direct_again],
                    disturb_phase1=join_and_crash_broker, disturb_phase2=leave)


def timed(records):
    """Each status change, task and escalation with all its fields, times
    included, as a multiset (dead letters name their input's position,
    which replay gives as a line number)."""
    return Counter(json.dumps([r["topic"], r["value"]], sort_keys=True)
                   for r in records if r["topic"] != "dead-letter")


def split_event_times(work):
    """Two engines split the partitions from the start, so every allocation
    request and result goes through its topic: what the orders caused (each
    ACCEPTED, ALLOCATED, REJECTED, task CREATE and VALIDATION_FAILED) equals
    the replay's with its times (ALLOCATED's occurredAt, the task's
    createdAt), not only as facts. (Phase 2's records come topic by topic,
    each shard's clock the largest time it has read, so their times are
    compared as facts only.)"""
    def stage_messages_through_topics(of, expected):
        problems = []
        if not of.tail("allocation-results"):
            problems.append("no allocation result went through its topic")
        want = timed(of.replay(Workload(SPLIT_SEED, SPLIT_ORDERS).phase1()))
        missing = want - timed(harness.tail_outputs(of))
        if missing:
            problems.append("%d of phase 1's outputs missing with their times, "
                            "e.g. %s" % (sum(missing.values()), next(iter(missing))))
        log("%d outputs of phase 1 compared with their times" % sum(want.values()))
        return problems

    def two_engines(of):
        of.start_engine("0")
        of.start_engine("1")
        time.sleep(5.0)  # both in the groups before anything is published

    return scenario(work, orders=SPLIT_ORDERS, seed=SPLIT_SEED,
                    engines_setup=two_engines, after=[stage_messages_through_topics])


SPLIT_SEED, SPLIT_ORDERS = 5, 1000


MIX_TOPICS = ("cancellations", "holds", "amendments", "customer-contacts", "shipments")


def mix_crash_restart(work):
    """The v1.1 mix with the warehouses configured, published phase by phase
    (each phase's expected outputs are the replay of everything so far,
    with the same warehouses); the engine is killed with SIGKILL at random
    moments of each phase and restarted. Outputs, status chains, stock per
    SKU and amendment results equal the replay's."""
    rnd = random.Random(23)
    kills = []

    def crash_repeatedly(of, times):
        for _ in range(times):
            time.sleep(rnd.uniform(1.0, 3.0))
            log("SIGKILL engine 0")
            of.kill_engine("0")
            kills.append(time.time())
            time.sleep(rnd.uniform(0.0, 1.0))
            of.start_engine("0")

    def waited(expected):
        # harness.wait_for reads the outputs harness.facts compares; the
        # amendment results are checked on their own at the end.
        return [r for r in expected if r["topic"] != "amendment-results"]

    def publish(of, records):
        for topic in MIX_TOPICS:
            mine = [r for r in records if r["topic"] == topic]
            if mine:
                of.publish(topic, mine)

    with harness.broker_and_orderflow(BINARY, work,
                                      extra_kafka=mix_workload.SOURCING_YAML) as (broker, of):
        of.create_topics()
        workload = mix_workload.MixWorkload(seed=23, orders=8000)
        expected1 = mix_workload.replay(of, workload.phase1())
        workload.make_phase2(mix_workload.tasks_of(expected1))
        expected2 = mix_workload.replay(of, workload.phase1() + workload.phase2())
        workload.make_phase3()
        expected = mix_workload.replay(
            of, workload.phase1() + workload.phase2() + workload.phase3())
        log("workload: %d input events (%s); %d outputs expected"
            % (workload.input_count(),
               dict(Counter(r["topic"] for r in workload.phase2() + workload.phase3())),
               len(expected)))
        of.start_engine("0")
        of.publish("inventory", workload.inventory)
        mix_workload.wait_for_stock(of, workload)
        of.publish("orders", workload.orders)
        crash_repeatedly(of, 2)
        harness.wait_for(of, waited(expected1), "phase 1")
        log("phase 1 settled")
        publish(of, workload.phase2())
        crash_repeatedly(of, 2)
        harness.wait_for(of, waited(expected2), "phase 2")
        log("phase 2 settled")
        publish(of, workload.phase3())
        crash_repeatedly(of, 1)
        actual = harness.wait_for(of, waited(expected), "phase 3")
        problems = check(of, workload, expected, actual)
        problems += mix_workload.amendment_problems(of, expected)
        kinds = Counter(r["value"].get("kind", "") for r in expected
                        if r["topic"] == "escalations")
        log("escalations expected by kind: %s" % dict(kinds))
        for instance in list(of.engines):
            if of.stop_engine(instance) != 0:
                problems.append("engine %s: SIGTERM did not end it cleanly" % instance)
    if len(kills) < 5:
        problems.append("the engine was killed only %d times" % len(kills))
    return problems


def stop_with_broker_stalled(work):
    """SIGTERM while the broker is stalled (SIGSTOP) and the engine busy:
    the last commit and the leaving of the groups cannot get an answer.
    The engine ends within kafka.stop_within (5 s here): cleanly (status 0)
    if it got through, or at its bound (status 3) with a line saying what
    it was doing, instead of hanging until its supervisor kills it. Once
    the broker resumes, the engine started again completes the outputs,
    exactly once."""
    problems = []
    with harness.broker_and_orderflow(BINARY, work, extra_kafka="  stop_within: 5s\n") \
            as (broker, of):
        of.create_topics()
        # Large enough that the engine is still working through the second
        # phase, a transaction open, when the broker stalls.
        workload = Workload(5, 40000)
        expected_phase1 = of.replay(workload.phase1())
        expected = of.replay(workload.replay_records())
        of.start_engine("0")
        of.publish("inventory", workload.inventory)
        harness.wait_for_stock(of, workload)
        of.publish("orders", workload.orders)
        harness.wait_for(of, expected_phase1, "phase 1")
        of.publish("cancellations", workload.cancellations)
        of.publish("shipments", workload.shipments)
        log("SIGSTOP the broker, then SIGTERM the engine")
        os.kill(broker.pid(), signal.SIGSTOP)
        try:
            time.sleep(0.1)
            started = time.time()
            proc = of.engines.pop("0")
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                rc = None
            took = time.time() - started
        finally:
            os.kill(broker.pid(), signal.SIGCONT)
        text = engine_log(work, "0")
        log("the engine ended with status %s %.1f s after SIGTERM; its last words:\n  %s"
            % (rc, took, "\n  ".join([l for l in text.splitlines()
                                       if l.startswith("run:")][-5:])))
        if rc is None:
            problems.append("the engine did not end within 30 s of SIGTERM")
        elif rc not in (0, 3):
            problems.append("the engine ended with status %d" % rc)
        elif took > 5 + 5:
            problems.append("the engine took %.1f s to stop (bound 5 s)" % took)
        if rc == 3 and "still stopping 5 s after the stop was asked for, while " not in text:
            problems.append("status 3 without the watchdog's line in the log")
        of.start_engine("0")
        of.publish("invoices", workload.invoices)
        actual = harness.wait_for(of, expected, "after the restart")
        problems += check(of, workload, expected, actual)
        if of.stop_engine("0") != 0:
            problems.append("engine 0: SIGTERM did not end it cleanly")
    return problems


def aborts_rewind(work):
    """Every 2nd transaction is aborted by the engine itself (fault
    injection): each abort must roll back the shards' state and rewind the
    input, or outputs go missing or come twice."""
    os.environ["ORDERFLOW_FAULT_ABORT_EVERY"] = "2"
    try:
        problems = scenario(work, orders=5000, seed=4,
                            engines_setup=lambda of: of.start_engine("0"),
                            after=[served_metrics_problems, served_order_timelines])
    finally:
        del os.environ["ORDERFLOW_FAULT_ABORT_EVERY"]
    log_text = open(os.path.join(work, "engine-0.log")).read() if os.path.exists(
        os.path.join(work, "engine-0.log")) else ""
    aborts = log_text.count("aborting this transaction on purpose")
    if aborts < 3:
        problems.append("only %d transactions were aborted" % aborts)
    return problems


def publish_bad_lines(work):
    """publish names each bad line and publishes the good ones exactly once;
    the engine turns them into outputs."""
    with harness.broker_and_orderflow(BINARY, work) as (broker, of):
        of.create_topics()
        of.start_engine("0")
        workload = Workload(5, 20)
        good = workload.orders[:20]
        lines = [json.dumps(r) for r in good[:10]]
        lines.append('{"topic":"orders","key":"O-BAD1","value":{"orderId":"O-BAD1","colour":"red"}}')
        lines += [json.dumps(r) for r in good[10:15]]
        lines.append("not json at all")
        lines.append(json.dumps(dict(good[15], topic="shipments")))
        lines += [json.dumps(r) for r in good[16:20]]
        path = os.path.join(work, "mixed.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = of.run("publish", "--config", of.config, "--topic", "orders", path,
                     check=False)
        problems = []
        if out.returncode == 0:
            problems.append("publish exited 0 with bad lines")
        for needle in ("published 19 of 22 lines", "line 11:", "line 17:", "line 18:",
                       "colour"):
            if needle not in out.stdout:
                problems.append("summary lacks %r: %s" % (needle, out.stdout))
        published = of.tail("orders")
        keys = Counter(r["key"] for r in published)
        if sorted(keys) != sorted(r["key"] for r in good[:15] + good[16:20]) or \
                any(n != 1 for n in keys.values()):
            problems.append("orders topic holds %s" % dict(keys))
        expected = of.replay([r for r in good[:15] + good[16:20]])
        harness.wait_for(of, expected, "publish round trip", timeout=120)
        problems += harness.compare(expected, harness.tail_outputs(of), "outputs")
        return problems


def simulators_close_the_loop(work):
    """The ERP simulator publishes six days that end now, the engine runs, the shipping
    simulator answers its delivery tasks: orders get shipped and
    delivered, each transition exactly once and in a valid chain."""
    with harness.broker_and_orderflow(BINARY, work) as (broker, of):
        of.create_topics()
        of.start_engine("0")
        shipping = subprocess.Popen(
            [BINARY, "simulate", "shipping", "--config", of.config, "--speed", "20000",
             "--for", "45"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        erp = of.run("simulate", "erp", "--config", of.config, "--days", "6",
                     "--orders-per-day", "100", "--speed", "20000", check=False)
        problems = [] if erp.returncode == 0 else ["simulate erp failed: " + erp.stderr]
        _, shipping_err = shipping.communicate(timeout=120)
        if shipping.returncode != 0:
            problems.append("simulate shipping failed: " + shipping_err)
        outputs = harness.tail_outputs(of)
        seen = Counter()
        for r in outputs:
            if r["topic"] == "order-status":
                seen[harness.suffix(r["value"]["status"], "ORDER_STATUS_")] += 1
        log("statuses: %s" % dict(seen))
        for status in ("ACCEPTED", "ALLOCATED", "SHIPPED", "DELIVERED"):
            if seen[status] == 0:
                problems.append("no order reached %s" % status)
        problems += [p for p in harness.compare(outputs, outputs, "outputs")]
        problems += harness.status_chains(outputs)
        return problems


def startup_errors(work):
    """Each start-up error is one line and a non-zero exit, quickly."""
    problems = []
    with harness.broker_and_orderflow(BINARY, work) as (broker, of):
        address = of.bootstrap

        def expect_failure(what, config_text, needle, limit=40):
            path = os.path.join(work, "startup.yaml")
            if "http:" not in config_text:
                config_text += "http:\n  address: 127.0.0.1:0\n"
            with open(path, "w") as f:
                f.write(config_text)
            started = time.time()
            try:
                out = subprocess.run([BINARY, "run", "--config", path], capture_output=True,
                                     text=True, timeout=limit + 20)
            except subprocess.TimeoutExpired:
                problems.append("%s: still running after %d s" % (what, limit + 20))
                return
            took = time.time() - started
            lines = [l for l in out.stderr.splitlines()
                     if l.startswith("orderflow:")]
            if out.returncode == 0:
                problems.append("%s: exit status 0" % what)
            if len(lines) != 1 or needle not in lines[0]:
                problems.append("%s: expected one line naming %r, got %r"
                                % (what, needle, out.stderr[-500:]))
            if took > limit:
                problems.append("%s: took %.0f s" % (what, took))
            log("%s: %s (%.1f s)" % (what, lines[0] if lines else "?", took))

        free_port = address.rsplit(":", 1)[0] + ":1"
        expect_failure("broker unreachable",
                       "kafka:\n  bootstrap_servers: %s\n" % free_port, "cannot reach Kafka")
        expect_failure("topics missing",
                       "kafka:\n  bootstrap_servers: %s\n" % address, "topics create")
        expect_failure("bad property",
                       "kafka:\n  bootstrap_servers: %s\n  properties:\n    linger.ms: soon\n"
                       % address, "kafka.properties.linger.ms")
        expect_failure("bad configuration value",
                       "kafka:\n  commit_interval: often\n", "kafka.commit_interval")
        sasl = ("kafka:\n  bootstrap_servers: %s\n  properties:\n"
                "    security.protocol: SASL_PLAINTEXT\n    sasl.mechanism: PLAIN\n"
                "    sasl.username: orderflow\n    sasl.password: %%s\n" % broker.sasl_address())
        expect_failure("authentication refused", sasl % "wrong-password",
                       "authentication with Kafka", limit=10)
        # The right password gets past the login: what stops it then is
        # the topics (the test topics were made with another prefix).
        expect_failure("authentication accepted, topics missing",
                       sasl % "orderflow-test" + "  topic_prefix: elsewhere\n",
                       "topics create", limit=10)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            expect_failure("http address taken",
                           "kafka:\n  bootstrap_servers: %s\nhttp:\n  address: 127.0.0.1:%d\n"
                           % (address, taken.getsockname()[1]), "cannot serve HTTP", limit=5)
        return problems


if __name__ == "__main__":
    BINARY = sys.argv[1]
    harness.main([("end_to_end", end_to_end),
                  ("crash_restart", crash_restart),
                  ("broker_restart_scale_out", broker_restart_scale_out),
                  ("split_event_times", split_event_times),
                  ("aborts_rewind", aborts_rewind),
                  ("stop_with_broker_stalled", stop_with_broker_stalled),
                  ("publish_bad_lines", publish_bad_lines),
                  ("startup_errors", startup_errors),
                  ("simulators_close_the_loop", simulators_close_the_loop),
                  ("cluster_order_timelines", cluster_order_timelines),
                  ("mix_crash_restart", mix_crash_restart)])
