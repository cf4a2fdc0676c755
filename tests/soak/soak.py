#!/usr/bin/env python3
"""Fault soak: `orderflow run` on a real broker while processes die, stop,
join and leave, the broker dies and stalls, and the network between the
engines and the broker is slowed and cut; after each cycle an independent
checker (checker.py) reads every output topic read_committed.

One broker (deploy/kafka/local-broker.sh, kept across its restarts, made
anew every few cycles) and one TCP proxy (proxy.py) serve the whole soak;
the engines reach the broker only through the proxy, the soak's own
commands (topics create, publish, tail) directly. Each cycle has topics
and groups of its own (a topic and group prefix) and publishes its
workload (workload.py) in waves; each wave is followed by faults, then by
a wait until its outputs are complete. Cycles alternate between

- ample stock: the outputs must equal `orderflow replay` of the same
  input, order by order (status sequence, tasks, escalations, dead
  letters), with no duplicate and no gap;
- tight stock (every --tight-every'th cycle): orders compete, so the order
  of allocation may differ from the replay's; invariants are checked
  instead (valid status chains, nothing twice, stock conserved per SKU,
  no order BACKORDERED while its SKUs have stock).

Faults (one at a time, each undone before the next): engine SIGKILL and
restart with the same instance id; engine SIGSTOP beyond the session
timeout (6 s here) and SIGCONT, sometimes (--long-stop-share) beyond the
transaction timeout (60 s, fixed in the engine); a second or third engine
joining or leaving; broker SIGKILL and restart with its data; broker
SIGSTOP and SIGCONT; network delay; every connection cut.

Prints one line per cycle and a summary; exits 1 on any anomaly, keeping
the work folder (the failing cycle's folder holds the engines' logs, the
input, the replay's output, what was read and the first difference).

Usage: soak.py ORDERFLOW_BINARY [--cycles N] [--seed S] [--waves W]
       [--orders N] [--tight-every K] [--faults-per-wave F]
       [--long-stop-share F] [--settle-timeout S] [--minutes M] [--work DIR]
       [--kafka-debug CONTEXTS]  (librdkafka's debug=, in the engines' logs)
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402  (the broker's start, stop and kill only)
from harness import log  # noqa: E402

import checker  # noqa: E402
from proxy import Proxy  # noqa: E402
from workload import Workload, plan_tight_actions  # noqa: E402

FAULTS = ["engine_kill", "engine_stop", "scale", "broker_kill", "broker_stop",
          "net_delay", "net_cut"]
OUTPUTS = ("order-status", "delivery-tasks", "escalations", "dead-letter")
SESSION_TIMEOUT_S = 6
TRANSACTION_TIMEOUT_S = 60  # consumers/kafka_host.cc; not configurable
STACK_AFTER_S = 30  # an engine still stopping this long has its stacks taken
BROKER_CYCLES = 6  # a fresh broker after this many cycles: topics pile up


class Anomaly(Exception):
    pass


class Soak:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.rnd = random.Random(args.seed)
        self.root = args.work or tempfile.mkdtemp(prefix="orderflow-soak-")
        os.makedirs(self.root, exist_ok=True)
        self.proxy = Proxy()
        self.broker = harness.Broker(self.root)
        self.broker.env["ORDERFLOW_KAFKA_PROXY_PORT"] = str(self.proxy.port)
        self.direct = None
        self.engines = {}
        self.deck = []
        self.faults = Counter()
        self.notes = []  # what happened that is not an anomaly by itself
        self.bounded_stops = 0  # stops the engine ended at its own bound

    # ------------------------------------------------------------ broker
    def start_broker(self):
        self.direct = self.broker.start()
        out = subprocess.run(["bash", harness.BROKER_SCRIPT, "proxied-address"],
                             env=self.broker.env, check=True, capture_output=True, text=True)
        host, port = out.stdout.strip().rsplit(":", 1)
        self.proxy.target = (host, int(port))

    def broker_pid(self):
        with open(os.path.join(self.broker.env["ORDERFLOW_BROKER_DIR"], "broker.pid")) as f:
            return int(f.read().strip())

    # ----------------------------------------------------------- configs
    def config(self, cdir, prefix, instance_id, bootstrap):
        path = os.path.join(cdir, "%s.yaml" % instance_id)
        with open(path, "w") as f:
            f.write("partitions:\n  orders: 4\n  inventory: 4\n"
                    "kafka:\n  bootstrap_servers: %s\n  topic_prefix: %s\n"
                    "  group_prefix: %s\n  clock: event\n  instance_id: \"%s\"\n"
                    "  commit_interval: 100ms\n"
                    "  topic_configs:\n    retention.ms: \"-1\"\n"
                    "  properties:\n    session.timeout.ms: \"%d\"\n"
                    "    heartbeat.interval.ms: \"1000\"\n"
                    "%s"
                    "http:\n  address: 127.0.0.1:0\n"
                    % (bootstrap, prefix, prefix, instance_id, SESSION_TIMEOUT_S * 1000,
                       "    debug: \"%s\"\n" % self.args.kafka_debug
                       if self.args.kafka_debug and instance_id != "tools" else ""))
        return path

    def orderflow(self, *args):
        out = subprocess.run([self.binary] + list(args), capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("orderflow %s exited %d: %s"
                               % (" ".join(args[:2]), out.returncode, out.stderr.strip()[-800:]))
        return out.stdout

    def tail(self, topic):
        """The topic's committed records. Right after a broker fault the
        tool may not find a partition's leader yet: read again, 3 times."""
        for attempt in range(4):
            try:
                out = self.orderflow("tail", "--config", self.tools, "--topic", topic)
                return [json.loads(l) for l in out.splitlines() if l.strip()]
            except RuntimeError as e:
                if attempt == 3:
                    raise
                log("tail %s failed, reading again: %s" % (topic, str(e)[-200:]))
                time.sleep(3)

    def outputs(self):
        return [r for t in OUTPUTS for r in self.tail(t)]

    def publish(self, records):
        by_topic = {}
        for r in records:
            by_topic.setdefault(r["topic"], []).append(r)
        for topic, rs in by_topic.items():
            path = os.path.join(self.cdir, "publish-%s.jsonl" % topic)
            with open(path, "w") as f:
                f.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in rs)
            self.orderflow("publish", "--config", self.tools, "--topic", topic, path)

    # ----------------------------------------------------------- engines
    def start_engine(self, iid):
        logf = open(os.path.join(self.cdir, "engine-%s.log" % iid), "a")
        self.engines[iid] = subprocess.Popen(
            [self.binary, "run", "--config", self.config(self.cdir, self.prefix, iid,
                                                         self.proxy.address())],
            stdout=logf, stderr=subprocess.STDOUT)
        logf.close()

    def check_engines(self):
        """An engine that ended by itself is noted and started again; one
        that died of a signal we did not send crashed: an anomaly."""
        for iid, proc in list(self.engines.items()):
            rc = proc.poll()
            if rc is None:
                continue
            self.notes.append("cycle %d: engine %s exited by itself (status %d): %s"
                              % (self.cycle, iid, rc, self.last_words(iid)))
            log("engine %s exited by itself with status %d; starting it again" % (iid, rc))
            if rc < 0:
                self.anomalies.append("engine %s died of signal %d" % (iid, -rc))
            self.start_engine(iid)

    def last_words(self, iid):
        """The last line of the engine's log that is its own (not
        librdkafka's), which says why it ended; the log is not kept unless
        the cycle fails."""
        try:
            with open(os.path.join(self.cdir, "engine-%s.log" % iid), errors="replace") as f:
                own = [l.strip() for l in f if l.startswith(("orderflow", "run:"))]
        except OSError:
            return "no log"
        return own[-1] if own else "nothing in its log"

    def consumer_errors(self):
        """The last errors the engines' consumers reported (their logs'
        "run: <stage> consumer: ..." lines), for the report of a stall."""
        found = []
        for name in sorted(os.listdir(self.cdir)):
            if name.startswith("engine-") and name.endswith(".log"):
                with open(os.path.join(self.cdir, name), errors="replace") as f:
                    lines = [l.strip() for l in f if " consumer: " in l and l.startswith("run:")]
                found += ["%s: %s" % (name, l) for l in lines[-2:]]
        return ("; engines' last consumer errors: " + " | ".join(found)) if found else ""

    def stop_engines(self):
        for iid in sorted(self.engines):
            proc = self.engines.pop(iid)
            if proc.poll() is None:
                self.stop_engine(iid, proc)

    def stop_engine(self, iid, proc):
        """SIGTERM, and the engine must end with status 0 within 90 s. One
        still stopping after STACK_AFTER_S has its threads' stacks taken
        (gdb) into the cycle's folder, to see which call hangs. One that
        ends itself with status 3 hit its own bound on stopping
        (kafka.stop_within): a bounded stop, noted and counted apart, its
        log and stacks kept in the work folder."""
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STACK_AFTER_S)
        except subprocess.TimeoutExpired:
            self.take_stacks(iid, proc)
        try:
            rc = proc.wait(timeout=90 - STACK_AFTER_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self.anomalies.append("engine %s did not end within 90 s of SIGTERM" % iid)
            return
        if rc == 3:
            self.bounded_stops += 1
            kept = self.keep_engine_files(iid)
            self.notes.append("cycle %d: engine %s ended its stop at its bound: %s (kept: %s)"
                              % (self.cycle, iid, self.last_words(iid), kept))
        elif rc != 0:
            self.anomalies.append("engine %s: SIGTERM ended it with status %d" % (iid, rc))

    def take_stacks(self, iid, proc):
        path = os.path.join(self.cdir, "engine-%s-stacks.txt" % iid)
        log("engine %s still stopping %d s after SIGTERM; taking its stacks" % (iid, STACK_AFTER_S))
        try:
            with open(path, "w") as f:
                subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-nx",
                                "-ex", "thread apply all bt"],
                               stdout=f, stderr=subprocess.STDOUT, timeout=40)
        except (OSError, subprocess.TimeoutExpired) as e:
            log("taking the stacks failed: %s" % e)

    def keep_engine_files(self, iid):
        """Copies the engine's log and stacks out of the cycle's folder
        (removed when the cycle passes)."""
        kept = os.path.join(self.root, "kept")
        os.makedirs(kept, exist_ok=True)
        for name in ("engine-%s.log" % iid, "engine-%s-stacks.txt" % iid):
            src = os.path.join(self.cdir, name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(kept, "cycle-%03d-%s" % (self.cycle, name)))
        return kept

    # ------------------------------------------------------------ faults
    def inject(self):
        if not self.deck:
            self.deck = FAULTS[:]
            self.rnd.shuffle(self.deck)
        kind = self.deck.pop()
        self.check_engines()
        rnd = self.rnd
        running = sorted(self.engines)
        if kind == "engine_kill":
            iid = rnd.choice(running)
            log("fault: SIGKILL engine %s" % iid)
            self.engines.pop(iid).kill()
            time.sleep(rnd.uniform(0, 2))
            self.start_engine(iid)
        elif kind == "engine_stop":
            iid = rnd.choice(running)
            long_stop = rnd.random() < self.args.long_stop_share
            pause = rnd.uniform(TRANSACTION_TIMEOUT_S + 3, TRANSACTION_TIMEOUT_S + 10) \
                if long_stop else rnd.uniform(SESSION_TIMEOUT_S + 2, SESSION_TIMEOUT_S + 6)
            if long_stop:
                kind = "engine_stop_long"
            log("fault: SIGSTOP engine %s for %.0f s" % (iid, pause))
            self.engines[iid].send_signal(signal.SIGSTOP)
            time.sleep(pause)
            self.engines[iid].send_signal(signal.SIGCONT)
        elif kind == "scale":
            extras = [i for i in ("1", "2") if i in self.engines]
            if extras and (len(extras) == 2 or rnd.random() < 0.5):
                iid = rnd.choice(extras)
                log("fault: engine %s leaves (SIGTERM)" % iid)
                self.stop_engine(iid, self.engines.pop(iid))
                kind = "engine_leave"
            else:
                iid = [i for i in ("1", "2") if i not in self.engines][0]
                log("fault: engine %s joins" % iid)
                self.start_engine(iid)
                kind = "engine_join"
        elif kind == "broker_kill":
            log("fault: SIGKILL the broker, then start it again")
            self.broker.kill()
            time.sleep(rnd.uniform(1, 3))
            self.start_broker()
        elif kind == "broker_stop":
            pause = rnd.uniform(2, 8)
            log("fault: SIGSTOP the broker for %.0f s" % pause)
            pid = self.broker_pid()
            os.kill(pid, signal.SIGSTOP)
            time.sleep(pause)
            os.kill(pid, signal.SIGCONT)
        elif kind == "net_delay":
            self.proxy.delay, span = rnd.uniform(0.05, 0.3), rnd.uniform(4, 10)
            log("fault: %.0f ms delay for %.0f s" % (self.proxy.delay * 1000, span))
            time.sleep(span)
            self.proxy.delay = 0.0
        elif kind == "net_cut":
            refuse = rnd.uniform(0, 3)
            log("fault: cut every connection, refuse new ones for %.1f s" % refuse)
            self.proxy.cut(refuse)
            time.sleep(refuse)
        self.faults[kind] += 1
        self.cycle_faults[kind] += 1

    # ------------------------------------------------------------ cycles
    def wait_until(self, what, done, timeout):
        """Polls done() (which returns (ok, detail)) until ok, starting
        engines that ended meanwhile; raises Anomaly on timeout."""
        deadline = time.time() + timeout
        while True:
            self.check_engines()
            ok, detail = done()
            if ok:
                return
            if time.time() > deadline:
                raise Anomaly("%s: not complete after %d s: %s%s"
                              % (what, timeout, detail, self.consumer_errors()))
            time.sleep(2)

    def run_cycle(self, n, tight):
        self.cycle = n
        self.anomalies = []
        self.cycle_faults = Counter()
        self.prefix = "soak%03d" % n
        self.cdir = os.path.join(self.root, "cycle-%03d" % n)
        os.makedirs(self.cdir, exist_ok=True)
        self.tools = self.config(self.cdir, self.prefix, "tools", self.direct)
        args = self.args
        wl = Workload(args.seed * 1000 + n, "tight" if tight else "ample",
                      args.waves, args.orders)
        started = time.time()
        checked = 0
        try:
            self.orderflow("topics", "create", "--config", self.tools)
            self.start_engine("0")
            self.publish(wl.wave0())
            counted = {s for s, q in wl.initial.items() if q > 0}

            def stock_counted():
                have = {r["key"] for r in self.tail("inventory-stage-changelog")
                        if int((r.get("value") or {}).get("onHand", 0)) > 0}
                return have >= counted, "%d of %d SKUs" % (len(have & counted), len(counted))
            self.wait_until("stock count", stock_counted, 300)
            done, statuses = set(), {}
            for k in range(1, args.waves + 1):
                extra = plan_tight_actions(wl, statuses, done, self.rnd) if tight else ()
                records = wl.wave(k, extra)
                # The whole wave at once, receipts too: an allocation a
                # receipt makes carries the receipt's time to the order
                # stage, whose shard first fires what fell due by then
                # (an aged backorder), as the replay does.
                self.publish(records)
                for _ in range(self.rnd.randint(1, args.faults_per_wave)):
                    time.sleep(self.rnd.uniform(0.2, 2.0))
                    self.inject()
                if tight:
                    statuses = self.settle_tight(k, records)
                else:
                    self.settle_ample(k, wl)
            checked = self.final_check(wl, tight)
        except Anomaly as e:
            self.anomalies.append(str(e))
            try:  # what had come out, for the diagnosis
                with open(os.path.join(self.cdir, "kafka-output.jsonl"), "w") as f:
                    f.writelines(json.dumps(r, separators=(",", ":")) + "\n"
                                 for r in self.outputs())
            except Exception:  # noqa: BLE001 - the broker may be what failed
                pass
        except Exception as e:  # noqa: BLE001 - the soak itself failed: kept as an anomaly
            self.anomalies.append("soak error: %s: %s" % (type(e).__name__, e))
        finally:
            self.stop_engines()
        took = time.time() - started
        faults = " ".join("%s=%d" % kv for kv in sorted(self.cycle_faults.items()))
        print("cycle %d %s: %d waves, %d inputs, faults %s; %d records checked, "
              "%d anomalies (%.0f s)" % (n, "tight" if tight else "ample", args.waves,
                                         len(wl.published) + len(wl.initial), faults or "-",
                                         checked, len(self.anomalies), took), flush=True)
        if self.anomalies:
            with open(os.path.join(self.cdir, "anomalies.txt"), "w") as f:
                f.write("\n".join(self.anomalies) + "\n")
            for a in self.anomalies[:10]:
                print("  ANOMALY " + a[:1500], flush=True)
            print("  (kept: %s)" % self.cdir, flush=True)
        else:
            shutil.rmtree(self.cdir, ignore_errors=True)
        return checked, len(self.anomalies)

    def replay(self, records, name):
        path = os.path.join(self.cdir, "%s-input.jsonl" % name)
        with open(path, "w") as f:
            f.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        config = os.path.join(self.cdir, "replay.yaml")
        with open(config, "w") as f:
            f.write("partitions:\n  orders: 4\n  inventory: 4\n")
        out = self.orderflow("replay", "--config", config, path)
        with open(os.path.join(self.cdir, "%s-output.jsonl" % name), "w") as f:
            f.write(out)
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    def settle_ample(self, k, wl):
        """Until the outputs hold as many records of each topic as the
        replay of what was published."""
        expected = self.replay(wl.wave0() + wl.published, "replay")
        want = Counter(r["topic"] for r in expected)

        def complete():
            have = Counter(r["topic"] for r in self.outputs())
            return all(have[t] >= n for t, n in want.items()), \
                "have %s, want %s" % (dict(have), dict(want))
        self.wait_until("wave %d" % k, complete, self.args.settle_timeout)

    def settle_tight(self, k, records):
        """Until every order of the wave has its outcome and every action
        its effect; returns each order's current status."""
        expect = {}
        for r in records:
            oid = r["key"]
            if r["topic"] == "orders":
                expect.setdefault(oid, {"ALLOCATED", "BACKORDERED", "REJECTED", "CANCELLED"})
            elif r["topic"] == "cancellations":
                expect[oid] = {"CANCELLED"}
            elif r["topic"] == "shipments":
                expect[oid] = {checker.bare(r["value"]["status"])}
        final = {}

        def complete():
            final.clear()
            final.update(checker.final_statuses(self.outputs()))
            missing = [o for o, want in expect.items() if final.get(o) not in want]
            return not missing, "%d orders without their outcome, e.g. %s" % (
                len(missing), [(o, final.get(o)) for o in missing[:3]])
        self.wait_until("wave %d" % k, complete, self.args.settle_timeout)
        return dict(final)

    def final_check(self, wl, tight):
        expected = None if tight else self.replay(wl.wave0() + wl.published, "replay")
        if expected is not None:
            # The checker judged against the replay itself first: a problem
            # there is in the checker or in the engine, not in Kafka.
            self.anomalies += ["replay: " + p for p in checker.chain_problems(expected)]
        deadline = time.time() + 120
        while True:
            self.check_engines()
            actual = self.outputs()
            problems = checker.chain_problems(actual)
            if expected is not None:
                problems += checker.compare_with_replay(expected, actual)
            problems += checker.stock_problems(
                actual, self.tail("inventory-stage-changelog"), wl.lines, wl.initial,
                wl.receipts)
            # Stock and late allocations may still be on their way: read again.
            if not problems or time.time() > deadline:
                break
            time.sleep(3)
        with open(os.path.join(self.cdir, "kafka-output.jsonl"), "w") as f:
            f.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in actual)
        if problems and expected is not None:
            oid = next((p.split()[1].rstrip(":") for p in problems
                        if p.startswith("order ")), None)
            if oid:
                with open(os.path.join(self.cdir, "first-difference.json"), "w") as f:
                    json.dump(checker.first_difference(expected, actual, oid), f, indent=1)
        self.anomalies += problems
        return len(actual)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("binary")
    p.add_argument("--cycles", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--waves", type=int, default=4)
    p.add_argument("--orders", type=int, default=300, help="new orders per wave")
    p.add_argument("--tight-every", type=int, default=3,
                   help="every K-th cycle has tight stock (0: none)")
    p.add_argument("--faults-per-wave", type=int, default=3, help="at most")
    p.add_argument("--long-stop-share", type=float, default=0.0,
                   help="share of engine SIGSTOPs beyond the transaction timeout")
    p.add_argument("--settle-timeout", type=int, default=300)
    p.add_argument("--minutes", type=float, default=0,
                   help="start no cycle after this many minutes (0: no limit)")
    p.add_argument("--kafka-debug", default="",
                   help="librdkafka debug contexts for the engines (their logs), "
                        "e.g. cgrp,fetch,topic")
    p.add_argument("--work", help="work folder (default: a new temporary one)")
    args = p.parse_args()
    soak = Soak(args)
    log("soak: work folder %s, seed %d" % (soak.root, args.seed))
    started = time.time()
    total_checked = total_anomalies = failed_cycles = cycles = 0
    try:
        soak.start_broker()
        for n in range(1, args.cycles + 1):
            if args.minutes and time.time() - started > args.minutes * 60:
                log("soak: %.0f minutes are up" % args.minutes)
                break
            cycles = n
            if n > 1 and (n - 1) % BROKER_CYCLES == 0:
                soak.broker.stop()
                soak.start_broker()
            tight = args.tight_every > 0 and n % args.tight_every == 0
            checked, anomalies = soak.run_cycle(n, tight)
            total_checked += checked
            total_anomalies += anomalies
            failed_cycles += bool(anomalies)
    finally:
        soak.broker.stop(keep_data=bool(total_anomalies))
        soak.proxy.close()
    faults = " ".join("%s=%d" % kv for kv in sorted(soak.faults.items()))
    print("summary: %d cycles (%d failed), faults %d (%s), %d records checked, "
          "%d anomalies, %d stops ended at the engine's bound, %.0f s, seed %d"
          % (cycles, failed_cycles, sum(soak.faults.values()), faults, total_checked,
             total_anomalies, soak.bounded_stops, time.time() - started, args.seed))
    for note in soak.notes:
        print("note: " + note)
    if total_anomalies:
        print("work folder kept: %s" % soak.root)
        sys.exit(1)
    if soak.bounded_stops:
        print("the bounded stops' logs and stacks kept in: %s" % os.path.join(soak.root, "kept"))
        return
    shutil.rmtree(soak.root, ignore_errors=True)


if __name__ == "__main__":
    main()
