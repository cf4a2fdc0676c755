#!/usr/bin/env python3
"""`orderflow alerts` against a real broker and a real Alertmanager.

The engine runs a seeded workload (invalid orders raise VALIDATION_FAILED,
failed deliveries raise DELIVERY_FAILED and the later DELIVERED clears it,
invoices billing too much raise INVOICE_MISMATCH) while the bridge posts
escalations to Alertmanager. The bridge is SIGKILLed twice while records
flow and started again. In the end Alertmanager's active alerts are
exactly the escalations RAISED and not CLEARED on the topic, by
escalation id, with their labels; resolved ones are not active; and they
stay active past their hold time because the bridge sends them again.

Usage: alerts_test.py ORDERFLOW_BINARY ALERTMANAGER_BINARY
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ALERTMANAGER = sys.argv.pop(2) if len(sys.argv) > 2 else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_alertmanager(work):
    port = free_port()
    config = os.path.join(work, "alertmanager.yml")
    with open(config, "w") as f:
        f.write("route:\n  receiver: nobody\n  group_wait: 1s\n"
                "receivers:\n  - name: nobody\n")
    log = open(os.path.join(work, "alertmanager.log"), "w")
    proc = subprocess.Popen(
        [ALERTMANAGER, "--config.file=" + config,
         "--storage.path=" + os.path.join(work, "alertmanager-data"),
         "--web.listen-address=127.0.0.1:%d" % port,
         "--cluster.listen-address="],  # one instance, no gossip port
        stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("Alertmanager did not become ready")


def active_alerts(url):
    with urllib.request.urlopen(url + "/api/v2/alerts?active=true", timeout=10) as r:
        alerts = json.load(r)
    return {a["labels"]["escalation_id"]: a for a in alerts
            if a["labels"].get("alertname") == "OrderflowEscalation"}


def firing_on_topic(escalations):
    firing = {}
    for r in escalations:
        v = r["value"]
        state = v.get("state", "").split("_")[-1]
        if state == "RAISED":
            firing[v["escalationId"]] = v
        elif state == "CLEARED":
            firing.pop(v["escalationId"], None)
    return firing


def start_bridge(of, url, work, n):
    log = open(os.path.join(work, "alerts-%d.log" % n), "w")
    return subprocess.Popen(
        [of.binary, "alerts", "--config", of.config, "--alertmanager", url,
         "--batch", "7", "--resend-every", "2", "--hold", "10"],
        stdout=log, stderr=subprocess.STDOUT)


def test_alerts(work):
    workload = harness.Workload(seed=5, orders=1500)
    am, url = start_alertmanager(work)
    bridges = []
    try:
        with harness.broker_and_orderflow(sys.argv[1], work) as (broker, of):
            of.create_topics()
            of.start_engine()
            bridges.append(start_bridge(of, url, work, 1))
            of.publish("inventory", workload.inventory)
            of.publish("orders", workload.orders)
            time.sleep(1.5)
            harness.log("killing the bridge at %d active alerts" % len(active_alerts(url)))
            bridges[-1].send_signal(signal.SIGKILL)  # while escalations flow
            bridges[-1].wait()
            bridges.append(start_bridge(of, url, work, 2))
            of.publish("cancellations", workload.cancellations)
            of.publish("shipments", workload.shipments)
            of.publish("invoices", workload.invoices)
            time.sleep(1.0)
            harness.log("killing the bridge at %d active alerts" % len(active_alerts(url)))
            bridges[-1].send_signal(signal.SIGKILL)
            bridges[-1].wait()
            bridges.append(start_bridge(of, url, work, 3))

            # The engine's escalations, once they stop changing.
            previous, escalations = -1, []
            deadline = time.time() + 300
            while time.time() < deadline:
                escalations = of.tail("escalations")
                if len(escalations) == previous and previous > 0:
                    break
                previous = len(escalations)
                time.sleep(5)
            expected = firing_on_topic(escalations)
            cleared = {r["value"]["escalationId"] for r in escalations
                       if r["value"]["state"].endswith("CLEARED")}
            harness.log("escalations: %d records, %d firing, %d cleared"
                        % (len(escalations), len(expected), len(cleared)))
            problems = []
            if not expected or not cleared:
                problems.append("the workload raised %d and cleared %d: both must be some"
                                % (len(expected), len(cleared)))

            def differences():
                active = active_alerts(url)
                found = []
                for eid in sorted(set(expected) - set(active)):
                    found.append("firing on the topic, not active: %s" % eid)
                for eid in sorted(set(active) - set(expected)):
                    found.append("active, not firing on the topic: %s" % eid)
                for eid, a in active.items():
                    e = expected.get(eid)
                    if e is None:
                        continue
                    labels = a["labels"]
                    want = {"kind": e["kind"].replace("ESCALATION_KIND_", ""),
                            "level": str(e["level"]), "order_id": e["orderId"]}
                    for k, v in want.items():
                        if labels.get(k) != v:
                            found.append("%s: label %s is %r, not %r"
                                         % (eid, k, labels.get(k), v))
                    if a["annotations"].get("summary") != e["message"]:
                        found.append("%s: summary is not the message" % eid)
                return found

            deadline = time.time() + 60
            while True:
                found = differences()
                if not found or time.time() > deadline:
                    break
                time.sleep(1)
            problems += found
            if not found:
                harness.log("Alertmanager: %d active alerts, as on the topic" % len(expected))
                # Past the hold time (10 s), the alerts are still active:
                # the bridge sends them again.
                time.sleep(15)
                problems += ["after the hold time: " + p for p in differences()]
            return problems
    finally:
        for b in bridges:
            if b.poll() is None:
                b.send_signal(signal.SIGTERM)
                try:
                    b.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    b.kill()
        am.send_signal(signal.SIGTERM)
        am.wait()


if __name__ == "__main__":
    if not ALERTMANAGER:
        sys.exit("usage: alerts_test.py ORDERFLOW_BINARY ALERTMANAGER_BINARY")
    harness.main([("alerts", test_alerts)])
