"""Shared pieces of the real-broker tests: a broker of the test's own, the
orderflow command, a seeded workload, and the checks on what came out.

Only the standard library; every process started here is stopped by its pid.
"""

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROKER_SCRIPT = os.path.join(ROOT, "deploy", "kafka", "local-broker.sh")


def log(*args):
    print("[%s]" % time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Broker:
    """A single-node Kafka broker in a temporary folder, on free ports."""

    def __init__(self, work):
        self.env = dict(os.environ, ORDERFLOW_BROKER_DIR=os.path.join(work, "broker"))
        self.address = None

    def start(self):
        out = subprocess.run(["bash", BROKER_SCRIPT, "start"], env=self.env,
                             check=True, capture_output=True, text=True)
        self.address = out.stdout.strip().splitlines()[-1]
        return self.address

    def sasl_address(self):
        """The SASL_PLAINTEXT listener (PLAIN; user orderflow, password orderflow-test)."""
        out = subprocess.run(["bash", BROKER_SCRIPT, "sasl-address"], env=self.env,
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def stop(self, keep_data=False):
        args = ["bash", BROKER_SCRIPT, "stop"] + (["--keep-data"] if keep_data else [])
        subprocess.run(args, env=self.env, capture_output=True, text=True)

    def pid(self):
        """The broker's process, as the script's pid file names it."""
        with open(os.path.join(self.env["ORDERFLOW_BROKER_DIR"], "broker.pid")) as f:
            return int(f.read().strip())

    def kill(self):
        """SIGKILL, as a crash."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
                time.sleep(0.1)
            except ProcessLookupError:
                return


class Orderflow:
    """The orderflow command with one configuration file.

    `properties`: librdkafka properties for kafka.properties; by default
    the scenarios' short session (SHORT_SESSION), so that a member gone
    without a word is noticed within seconds. {} leaves librdkafka's and
    orderflow's own session settings, as in production."""

    SHORT_SESSION = {"session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"}

    def __init__(self, binary, work, bootstrap, order_partitions=4,
                 inventory_partitions=4, extra_kafka="", properties=None):
        self.binary = binary
        self.work = work
        self.config = os.path.join(work, "orderflow.yaml")
        self.bootstrap = bootstrap
        self.order_partitions = order_partitions
        self.inventory_partitions = inventory_partitions
        self.extra_kafka = extra_kafka
        self.properties = dict(self.SHORT_SESSION if properties is None else properties)
        self.write_config()
        self.engines = {}

    def write_config(self, instance_id="0", path=None):
        path = path or self.config
        properties = "".join("    %s: \"%s\"\n" % kv for kv in sorted(self.properties.items()))
        with open(path, "w") as f:
            f.write(
                "partitions:\n  orders: %d\n  inventory: %d\n"
                "kafka:\n  bootstrap_servers: %s\n  clock: event\n"
                "  instance_id: \"%s\"\n  commit_interval: 100ms\n"
                # The workload's records carry event times in the past.
                "  topic_configs:\n    retention.ms: \"-1\"\n"
                "  properties:%s\n%s%s"
                # Metrics and dashboard on a free port: engines side by side.
                "http:\n  address: 127.0.0.1:0\n"
                % (self.order_partitions, self.inventory_partitions,
                   self.bootstrap, instance_id, "" if properties else " {}",
                   properties, self.extra_kafka))
        return path

    def run(self, *args, check=True, input_text=None):
        """Runs `orderflow ARGS`; with `check`, a non-zero exit raises with
        what the command said on stderr."""
        out = subprocess.run([self.binary] + list(args), capture_output=True,
                             text=True, input=input_text)
        if check and out.returncode != 0:
            raise AssertionError("orderflow %s exited %d: %s"
                                 % (" ".join(args[:2]), out.returncode,
                                    out.stderr.strip()[-2000:]))
        return out

    def create_topics(self):
        self.run("topics", "create", "--config", self.config)

    def publish(self, topic, records):
        path = os.path.join(self.work, "publish-%s.jsonl" % topic)
        with open(path, "w") as f:
            for r in records:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        out = self.run("publish", "--config", self.config, "--topic", topic, path,
                       check=False)
        if out.returncode != 0:
            raise RuntimeError("publish %s failed: %s %s" % (topic, out.stdout, out.stderr))
        return out.stdout

    def tail(self, topic):
        out = self.run("tail", "--config", self.config, "--topic", topic)
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def start_engine(self, instance_id="0"):
        config = self.write_config(
            instance_id, os.path.join(self.work, "engine-%s.yaml" % instance_id))
        logf = open(os.path.join(self.work, "engine-%s.log" % instance_id), "a")
        proc = subprocess.Popen([self.binary, "run", "--config", config],
                                stdout=logf, stderr=subprocess.STDOUT)
        self.engines[instance_id] = proc
        return proc

    def kill_engine(self, instance_id="0"):
        proc = self.engines.pop(instance_id)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop_engine(self, instance_id="0", timeout=60):
        proc = self.engines.pop(instance_id)
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError("engine %s did not stop on SIGTERM" % instance_id)

    def stop_all(self):
        for instance_id in list(self.engines):
            proc = self.engines.pop(instance_id)
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def replay(self, records, config_extra=""):
        """`orderflow replay` of `records`, this cluster's partition counts
        and `config_extra` (more YAML) configured: its outputs."""
        path = os.path.join(self.work, "replay-input.jsonl")
        with open(path, "w") as f:
            for r in records:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        config = os.path.join(self.work, "replay.yaml")
        with open(config, "w") as f:
            f.write("partitions:\n  orders: %d\n  inventory: %d\n%s"
                    % (self.order_partitions, self.inventory_partitions, config_extra))
        out = self.run("replay", "--config", config, "--metrics",
                       os.path.join(self.work, "replay-metrics.json"), path)
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def replay_metrics(self):
        """The service metrics at the end of the last replay."""
        with open(os.path.join(self.work, "replay-metrics.json")) as f:
            return json.load(f)

    def engine_url(self, instance_id="0"):
        """Where the engine serves its metrics and dashboard (from its log)."""
        for line in self.engine_log(instance_id).splitlines():
            if line.startswith("run: dashboard at "):
                return line.split()[3].rstrip(",")
        raise RuntimeError("engine %s logged no dashboard address" % instance_id)

    def engine_log(self, instance_id="0"):
        path = os.path.join(self.work, "engine-%s.log" % instance_id)
        with open(path) as f:
            return f.read()


@contextlib.contextmanager
def broker_and_orderflow(binary, work, **orderflow_options):
    """A broker of the test's own and the orderflow command pointed at it;
    on the way out every engine started and the broker are stopped."""
    broker = Broker(work)
    of = None
    try:
        of = Orderflow(binary, work, broker.start(), **orderflow_options)
        yield broker, of
    finally:
        if of:
            of.stop_all()
        broker.stop()


# ----------------------------------------------------------------- workload

BASE = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "A Customer", "line1": "1 High St", "city": "Leeds",
           "postalCode": "LS1 1AA", "country": "GB"}
LEVELS = ["STANDARD"] * 7 + ["EXPRESS"] * 2 + ["OVERNIGHT"]


def partition_of(key, partitions):
    """The partition a key falls in: Kafka's default partitioner (murmur2),
    as engine/partitioner.h computes it."""
    data = key.encode()
    m, mask = 0x5bd1e995, 0xffffffff
    h = (0x9747b28c ^ len(data)) & mask
    whole = len(data) // 4 * 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = ((h * m) & mask) ^ k
    rest = data[whole:]
    if len(rest) == 3:
        h ^= rest[2] << 16
    if len(rest) >= 2:
        h ^= rest[1] << 8
    if rest:
        h = ((h ^ rest[0]) * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return (h & 0x7fffffff) % partitions


def ts(seconds):
    t = BASE + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def record(topic, key, value, when):
    """An input record of a workload: `value` on `topic`, keyed `key`, at
    `when` (a ts())."""
    return {"topic": topic, "key": key, "timestamp": when, "value": value}


def stock_count(sku, quantity, warehouse=None):
    """A stock count of `sku` at the start, at `warehouse` if given."""
    value = {"sku": sku, "kind": "SNAPSHOT", "quantity": quantity, "occurredAt": ts(0)}
    if warehouse:
        value["warehouseId"] = warehouse
    return record("inventory", sku, value, ts(0))


def random_orders(rnd, skus, count, line_count, ship_to):
    """`count` orders drawn from `rnd`, placed 0.05 to 0.3 s apart from a
    minute in, each of line_count(rnd) lines of `skus` shipped to
    ship_to(rnd); about 1% invalid (a line of no units), about 1% sent
    twice. Returns the records, the valid ones, and when the last was
    placed (seconds)."""
    orders, valid_orders = [], []
    t = 60.0
    for n in range(count):
        oid = "O-%07d" % n
        t += rnd.uniform(0.05, 0.3)
        lines = [{"lineId": str(i + 1), "sku": rnd.choice(skus),
                  "quantity": rnd.randint(1, 5), "unitPriceMinor": 1299}
                 for i in range(line_count(rnd))]
        value = {"orderId": oid, "customerId": "C-%d" % rnd.randint(1, 5000),
                 "placedAt": ts(t), "serviceLevel": rnd.choice(LEVELS),
                 "currency": "EUR", "shipTo": ship_to(rnd), "lines": lines}
        invalid = rnd.random() < 0.01
        if invalid:
            value["lines"][0]["quantity"] = 0
        order = record("orders", oid, value, ts(t))
        orders.append(order)
        if rnd.random() < 0.01:
            orders.append(order)  # the same record twice: a no-op
        if not invalid:
            valid_orders.append(order)
    return orders, valid_orders, t


class Workload:
    """A seeded order flow whose outcome does not depend on how Kafka
    interleaves topics and partitions: stock is ample (no two orders compete
    for units), every record of phase 2 concerns an order that phase 1
    settled, and all times lie within hours, so no deadline falls due.

    Phase 1: stock counts, then orders (about 1% invalid, some sent twice).
    Phase 2: cancellations for some orders; SHIPPED then DELIVERED for
    others (a few with a failed delivery first), and an invoice for each
    shipped order (3% billing a unit too many: INVOICE_MISMATCH)."""

    def __init__(self, seed, orders, skus=300):
        rnd = random.Random(seed)
        self.skus = ["SKU-%05d" % i for i in range(skus)]
        self.inventory = [stock_count(s, 10_000_000) for s in self.skus]
        self.cancellations, self.shipments, self.invoices = [], [], []
        billing = random.Random(seed + 1000)  # leaves the other draws as they were
        self.orders, self.valid_orders, t = random_orders(
            rnd, self.skus, orders, lambda r: r.randint(1, 4), lambda r: dict(ADDRESS))
        t2 = t + 600
        for order in self.valid_orders:
            oid = order["key"]
            roll = rnd.random()
            t2 += rnd.uniform(0.01, 0.1)
            if roll < 0.05:
                self.cancellations.append(record(
                    "cancellations", oid,
                    {"orderId": oid, "requestedAt": ts(t2), "reason": "customer asked"},
                    ts(t2)))
            elif roll < 0.80:
                statuses = ["SHIPPED"]
                if rnd.random() < 0.02:
                    statuses.append("DELIVERY_FAILED")
                statuses.append("DELIVERED")
                for i, status in enumerate(statuses):
                    when = ts(t2 + 60 * i)
                    self.shipments.append(record(
                        "shipments", oid,
                        {"orderId": oid, "shipmentId": "S-" + oid, "status": status,
                         "occurredAt": when}, when))
                lines = [{"lineId": l["lineId"], "sku": l["sku"], "quantity": l["quantity"],
                          "amountMinor": l["quantity"] * l["unitPriceMinor"]}
                         for l in order["value"]["lines"]]
                if billing.random() < 0.03:
                    lines[0]["quantity"] += 1
                    lines[0]["amountMinor"] += order["value"]["lines"][0]["unitPriceMinor"]
                when = ts(t2 + 30)
                self.invoices.append(record(
                    "invoices", oid,
                    {"orderId": oid, "invoiceId": "INV-" + oid, "issuedAt": when,
                     "lines": lines}, when))

    def phase1(self):
        return self.inventory + self.orders

    def phase2(self):
        return self.cancellations + self.shipments + self.invoices

    def input_count(self):
        return len(self.phase1()) + len(self.phase2())

    def replay_records(self):
        """Everything in one file, in the phases' order."""
        phase2 = sorted(self.phase2(), key=lambda r: r["timestamp"])
        return self.phase1() + phase2

    def expected_stock(self, outcome):
        """Per SKU: on hand and reserved at the end, from the order outcomes
        (shipped orders consumed their units; allocated ones hold them)."""
        on_hand = {s: 10_000_000 for s in self.skus}
        reserved = Counter()
        for record in self.valid_orders:
            status = outcome.get(record["key"])
            for line in record["value"]["lines"]:
                if status in ("SHIPPED", "DELIVERED", "DELIVERY_FAILED"):
                    on_hand[line["sku"]] -= line["quantity"]
                elif status == "ALLOCATED":
                    reserved[line["sku"]] += line["quantity"]
        return on_hand, reserved


# ------------------------------------------------------------------- checks

def suffix(name, prefix):
    return name[len(prefix):] if name and name.startswith(prefix) else (name or "")


def facts(records):
    """What must be identical between two runs, times left out: each status
    transition, each delivery task, each escalation state, each dead
    letter's reason, as a multiset."""
    out = Counter()
    for r in records:
        v, topic = r["value"], r["topic"]
        if topic == "order-status":
            out[(topic, v["orderId"], suffix(v.get("previousStatus"), "ORDER_STATUS_"),
                 suffix(v["status"], "ORDER_STATUS_"), tuple(v.get("reasons", [])))] += 1
        elif topic == "delivery-tasks":
            out[(topic, v["taskId"], suffix(v["action"], "TASK_ACTION_"),
                 json.dumps(v["lines"], sort_keys=True))] += 1
        elif topic == "escalations":
            out[(topic, v["escalationId"], suffix(v["state"], "ESCALATION_STATE_"))] += 1
        elif topic == "dead-letter":
            out[(topic, r.get("key"), v.get("reason"))] += 1
    return out


def tail_outputs(of):
    records = []
    for topic in ("order-status", "delivery-tasks", "escalations", "dead-letter"):
        records += of.tail(topic)
    return records


def wait_for(of, expected, what, timeout=300, on_wait=None):
    """Polls the committed outputs until they hold as many records of each
    topic as `expected`; returns them."""
    want = Counter(r["topic"] for r in expected)
    deadline = time.time() + timeout
    while True:
        got = tail_outputs(of)
        have = Counter(r["topic"] for r in got)
        if all(have[t] >= n for t, n in want.items()):
            return got
        if time.time() > deadline:
            raise AssertionError("%s: timed out; have %s, want %s"
                                 % (what, dict(have), dict(want)))
        if on_wait:
            on_wait()
        time.sleep(2)


def wait_for_stock(of, workload, timeout=300):
    """Until the inventory stage's committed state holds every SKU's count:
    orders published after this cannot meet a SKU not yet counted, however
    Kafka interleaves the two topics."""
    deadline = time.time() + timeout
    while True:
        counted = {r["key"] for r in of.tail("inventory-stage-changelog")
                   if r["key"] and int(r["value"].get("onHand", 0)) > 0}
        if counted >= set(workload.skus):
            return
        if time.time() > deadline:
            raise AssertionError("stock: only %d of %d SKUs counted"
                                 % (len(counted), len(workload.skus)))
        time.sleep(1)


def compare(expected, actual, what):
    """Problems found comparing two runs' facts: duplicates and misses."""
    e, a = facts(expected), facts(actual)
    problems = []
    for k, n in a.items():
        if n > 1:
            problems.append("%s: duplicated %dx: %s" % (what, n, k))
    for k in e:
        if k not in a:
            problems.append("%s: missing: %s" % (what, k))
    for k in a:
        if k not in e:
            problems.append("%s: unexpected: %s" % (what, k))
    return problems


def status_chains(records):
    """Problems in each order's status sequence: every transition must start
    where the previous one ended (ordered by partition offset)."""
    by_order = defaultdict(list)
    for r in records:
        if r["topic"] == "order-status":
            by_order[r["value"]["orderId"]].append(r)
    problems = []
    for oid, rs in by_order.items():
        rs.sort(key=lambda r: r["offset"])
        prev = ""
        for r in rs:
            p = suffix(r["value"].get("previousStatus"), "ORDER_STATUS_")
            if p != prev:
                problems.append("order %s: %s follows %s" % (oid, r["value"], prev))
            prev = suffix(r["value"]["status"], "ORDER_STATUS_")
    return problems


def final_status(records):
    last = {}
    for r in sorted((r for r in records if r["topic"] == "order-status"),
                    key=lambda r: (r.get("partition", 0), r.get("offset", 0))):
        last[r["value"]["orderId"]] = suffix(r["value"]["status"], "ORDER_STATUS_")
    return last


def stock_problems(of, workload, records, timeout=120):
    """Stock conservation per SKU: the inventory stage's final state (its
    changelog) against what the order outcomes imply.

    The order stage's outputs can be complete while the inventory stage is
    still working through the releases and shipments they sent it (after a
    restart it first waits out the killed member's session and restores its
    changelog), so the state is read again until it agrees or `timeout`
    seconds have passed; the problems are those of the last read."""
    on_hand, reserved = workload.expected_stock(final_status(records))
    start = time.time()
    while True:
        problems = stock_differences(of, workload, on_hand, reserved)
        waited = time.time() - start
        if not problems:
            if waited >= 1:
                log("stock agreed after %.0f s" % waited)
            return problems
        if waited > timeout:
            return problems
        time.sleep(2)


def stock_differences(of, workload, on_hand, reserved):
    state = {}
    for r in of.tail("inventory-stage-changelog"):
        if r["key"]:
            state[r["key"]] = r["value"]
    problems = []
    for sku in workload.skus:
        v = state.get(sku, {})
        got = (int(v.get("onHand", 0)), int(v.get("reserved", 0)))
        want = (on_hand[sku], reserved[sku])
        if got != want:
            problems.append("stock %s: (on hand, reserved) is %s, expected %s"
                            % (sku, got, want))
    return problems


def main(tests, names_from_argv=True):
    """Runs each (name, function(work)) in a temporary folder; prints the
    plain 'N passed, N failed' line and exits non-zero on a failure. With
    names_from_argv, arguments after the binary pick tests by name."""
    passed = failed = 0
    only = sys.argv[2:] if names_from_argv and len(sys.argv) > 2 else None
    for name, fn in tests:
        if only and name not in only:
            continue
        work = tempfile.mkdtemp(prefix="orderflow-it-")
        log("=== %s (in %s)" % (name, work))
        try:
            problems = fn(work)
        except Exception as e:  # noqa: BLE001 - a test that raised failed
            problems = ["raised %s: %s" % (type(e).__name__, e)]
        if problems:
            failed += 1
            log("FAIL %s" % name)
            for p in problems[:int(os.environ.get("SHOW_PROBLEMS", "30"))]:
                log("  " + p)
            if len(problems) > 30:
                log("  ... and %d more" % (len(problems) - 30))
            log("  (work folder kept: %s)" % work)
        else:
            passed += 1
            log("PASS %s" % name)
            subprocess.run(["rm", "-rf", work])
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
