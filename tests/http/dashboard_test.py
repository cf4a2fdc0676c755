#!/usr/bin/env python3
"""What `orderflow demo` serves, checked as its readers see it.

    dashboard_test.py ORDERFLOW_BINARY prometheus
        /metrics parsed by the Prometheus client library's text parser:
        names, types, HELP, labels, and every value equal to /api/metrics.
    dashboard_test.py ORDERFLOW_BINARY browser ARTIFACT_DIR
        the dashboard in headless Chromium: it renders, its tiles show the
        numbers of /api/metrics, its charts are drawn; a screenshot is kept
        as ARTIFACT_DIR/dashboard.png.

Both run a short demo (3 simulated days in 15 s) on a free port with
--keep-serving, check after its summary (when the numbers no longer move),
then stop it with SIGTERM by its pid and expect exit status 0.
"""

import html.parser
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone

failures = []
checks = 0


def check(what, ok, detail=""):
    global checks
    checks += 1
    if ok:
        print("ok   %s" % what)
    else:
        failures.append(what)
        print("FAIL %s %s" % (what, detail))


class Demo:
    """`orderflow demo --keep-serving` on a free port; stopped by its pid."""

    def __init__(self, binary):
        self.lines = []
        self.proc = subprocess.Popen(
            [binary, "demo", "--days", "3", "--seconds", "15", "--orders-per-day", "800",
             "--http", "127.0.0.1:0", "--keep-serving"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = None

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader catch up
                for line in list(self.lines):
                    if line.startswith(prefix):
                        return line
                raise RuntimeError("the demo ended (status %s) before '%s':\n%s"
                                   % (self.proc.returncode, prefix, "\n".join(self.lines)))
            time.sleep(0.2)
        raise RuntimeError("no '%s' within %d s:\n%s" % (prefix, timeout, "\n".join(self.lines)))

    def start(self):
        line = self.wait_for("dashboard: ", 30)
        self.url = line.split()[1]
        print("demo serving at %s" % self.url)
        self.wait_for("serving the dashboard at", 300)
        print("\n".join(l for l in self.lines if not l[:4].isdigit()))
        return self.url

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        check("the demo stops on SIGTERM with status 0", status == 0, "(was %s)" % status)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8")


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def seconds_or_nan(v):
    return float("nan") if v is None else float(v)


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or close(a, b)


def test_prometheus(url, demo):
    from prometheus_client.parser import text_string_to_metric_families

    status, content_type, text = fetch(url + "metrics")
    check("/metrics answers 200", status == 200)
    check("/metrics is text format 0.0.4", content_type.startswith("text/plain; version=0.0.4"),
          content_type)
    _, json_type, body = fetch(url + "api/metrics")
    check("/api/metrics is JSON", json_type.startswith("application/json"), json_type)
    api = json.loads(body)

    families = {f.name: f for f in text_string_to_metric_families(text)}
    samples = {}
    for f in families.values():
        check("%s: HELP text" % f.name, bool(f.documentation))
        check("%s: named orderflow_*" % f.name, f.name.startswith("orderflow_"))
        for s in f.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
            if f.type == "counter":
                check("%s: a counter's sample ends in _total" % s.name,
                      s.name.endswith("_total") or s.name.endswith("_created"))

    def value(name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))))

    def family_type(name):
        return families[name].type if name in families else None

    def counters_equal(section, figures, pairs):
        """Each (JSON key, name): the counter orderflow_<name>, its total
        equal to figures[key] (the JSON's `section`)."""
        for key, name in pairs:
            full = "orderflow_" + name
            check("%s is a counter" % full, family_type(full) == "counter")
            check("%s_total = %s.%s (%s)" % (full, section, key, figures[key]),
                  value(full + "_total") == figures[key], value(full + "_total"))

    orders = api["orders"]
    counters_equal("orders", orders, [
        ("received", "orders_received"), ("accepted", "orders_accepted"),
        ("rejected", "orders_rejected"),
        ("allocatedWithoutBackorder", "orders_allocated_without_backorder"),
        ("backordered", "orders_backordered"), ("cancelled", "orders_cancelled"),
        ("shipped", "orders_shipped"), ("delivered", "orders_delivered"),
        ("deliveredOnTime", "orders_delivered_on_time"),
        ("deliveryFailures", "delivery_failures")])
    check("orders were received", orders["received"] > 0)

    for key, name in [("accuracy", "accuracy"), ("fill", "fill"), ("backorder", "backorder"),
                      ("cancellation", "cancellation"), ("onTime", "on_time_delivery")]:
        full = "orderflow_%s_ratio" % name
        expected = api["rates"][key]
        if expected is None:
            check("%s left out while undefined" % full, full not in families)
        else:
            check("%s is a gauge" % full, family_type(full) == "gauge")
            got = value(full)
            check("%s = rates.%s (%s)" % (full, key, expected),
                  got is not None and close(got, expected) and 0 <= got <= 1, got)

    cycle = "orderflow_order_cycle_time_seconds"
    check("%s is a summary" % cycle, family_type(cycle) == "summary")
    for key, stage in [("placedToShipped", "placed_to_shipped"),
                       ("placedToDelivered", "placed_to_delivered")]:
        t = api["cycleTimeSeconds"][key]
        for p, q in [("p50", "0.5"), ("p90", "0.9"), ("p99", "0.99")]:
            got = value(cycle, stage=stage, quantile=q)
            check("%s{stage=%s,quantile=%s} = %s" % (cycle, stage, q, t[p]),
                  got is not None and same(got, seconds_or_nan(t[p])), got)
        check("%s_sum{stage=%s} = %s" % (cycle, stage, t["sum"]),
              value(cycle + "_sum", stage=stage) == t["sum"])
        check("%s_count{stage=%s} = %s" % (cycle, stage, t["count"]),
              value(cycle + "_count", stage=stage) == t["count"])
    check("some orders shipped", api["cycleTimeSeconds"]["placedToShipped"]["count"] > 0)

    backlog = "orderflow_backlog_orders"
    check("%s is a gauge" % backlog, family_type(backlog) == "gauge")
    cells = 0
    for status, ages in api["backlog"]["byStatusAndAge"].items():
        for age, n in ages.items():
            cells += 1
            got = value(backlog, status=status, age=age)
            if got != n:
                check("%s{status=%s,age=%s} = %s" % (backlog, status, age, n), False, got)
    check("%s: all %d status x age cells equal the JSON" % (backlog, cells),
          len(families[backlog].samples) == cells and not any(
              f.startswith(backlog) for f in failures))
    check("the backlog is not empty", api["backlog"]["total"] > 0)

    for state in ["raised", "cleared"]:
        name = "orderflow_escalations_%s" % state
        check("%s is a counter" % name, family_type(name) == "counter")
        for kind, n in api["escalations"][state].items():
            got = value(name + "_total", kind=kind)
            check("%s_total{kind=%s} = %s" % (name, kind, n), got == n, got)

    # Rules 10-13: split shipments, amendments, holds and contacts.
    for key, name in [("shippingStarted", "orderflow_orders_shipping_started_total"),
                      ("split", "orderflow_split_shipments_total")]:
        check("%s = shipments.%s" % (name, key), value(name) == api["shipments"][key],
              value(name))
    split = api["rates"]["splitShipment"]
    if split is None:
        check("orderflow_split_shipment_ratio left out while undefined",
              "orderflow_split_shipment_ratio" not in families)
    else:
        got = value("orderflow_split_shipment_ratio")
        check("orderflow_split_shipment_ratio = rates.splitShipment",
              got is not None and close(got, split), got)
    for outcome in ["applied", "rejected"]:
        got = value("orderflow_amendments_total", outcome=outcome)
        check("orderflow_amendments_total{outcome=%s} = amendments.%s" % (outcome, outcome),
              got == api["amendments"][outcome], got)
    holds = api["holds"]
    for hold_type, n in holds["open"].items():
        check("orderflow_holds_open{type=%s} = %s" % (hold_type, n),
              value("orderflow_holds_open", type=hold_type) == n)
        check("orderflow_holds_placed_total{type=%s}" % hold_type,
              value("orderflow_holds_placed_total", type=hold_type) == holds["placed"][hold_type])
        t = holds["timeOnHoldSeconds"][hold_type]
        check("orderflow_hold_time_seconds_count{type=%s}" % hold_type,
              value("orderflow_hold_time_seconds_count", type=hold_type) == t["count"]
              == holds["released"][hold_type])
        for p, q in [("p50", "0.5"), ("p90", "0.9")]:
            got = value("orderflow_hold_time_seconds", type=hold_type, quantile=q)
            check("orderflow_hold_time_seconds{type=%s,quantile=%s}" % (hold_type, q),
                  got is not None and same(got, seconds_or_nan(t[p])), got)
    contacts = api["contacts"]
    for kind, n in contacts["byKind"].items():
        check("orderflow_contacts_total{kind=%s} = %s" % (kind, n),
              value("orderflow_contacts_total", kind=kind) == n)
    for cause, n in contacts["byRootCause"].items():
        check("orderflow_contacts_by_root_cause_total{root_cause=%s} = %s" % (cause, n),
              value("orderflow_contacts_by_root_cause_total", root_cause=cause) == n)
    per100 = contacts["per100Orders"]
    got = value("orderflow_contacts_per_100_orders")
    check("orderflow_contacts_per_100_orders = contacts.per100Orders (%s)" % per100,
          per100 is not None and got is not None and close(got, per100), got)
    check("the backlog counts ON_HOLD", "ON_HOLD" in api["backlog"]["byStatus"])

    host = api["host"]
    counters_equal("host", host, [
        ("inputs", "input_records"), ("outputs", "output_records"),
        ("commits", "commits"), ("aborts", "aborts"),
        ("producerRebuilds", "producer_rebuilds"),
        ("restoredRecords", "restored_state_records")])
    check("commits were made", host["commits"] > 0)
    timed = host["commitSeconds"]
    check("every commit is timed (%s of %s)" % (timed["count"], host["commits"]),
          timed["count"] == host["commits"])
    commit = "orderflow_commit_duration_seconds"
    check("%s is a histogram" % commit, family_type(commit) == "histogram")
    check("%s_count = host.commitSeconds.count" % commit,
          value(commit + "_count") == timed["count"], value(commit + "_count"))
    check("%s_sum = host.commitSeconds.sum" % commit,
          value(commit + "_sum") is not None and close(value(commit + "_sum"), timed["sum"]),
          value(commit + "_sum"))
    buckets = {float(dict(labels)["le"]): v for (name, labels), v in samples.items()
               if name == commit + "_bucket"}
    check("%s has a bucket per bound and +Inf" % commit,
          len(buckets) == len(timed["atMost"]), sorted(buckets))
    for bucket in timed["atMost"]:
        le = math.inf if bucket["le"] is None else float(bucket["le"])
        check("%s_bucket{le=%s} = %s" % (commit, le, bucket["commits"]),
              buckets.get(le) == bucket["commits"], buckets.get(le))
    for reason, n in host["deadLetters"].items():
        got = value("orderflow_dead_letters_total", reason=reason)
        check("orderflow_dead_letters_total{reason=%s} = %s" % (reason, n), got == n, got)

    as_of = datetime.strptime(api["asOf"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    engine_time = value("orderflow_engine_time_seconds")
    check("orderflow_engine_time_seconds is asOf (%s)" % api["asOf"],
          engine_time is not None and 0 <= engine_time - as_of.timestamp() < 1, engine_time)
    check("history has samples", len(api["history"]) >= 3, len(api["history"]))
    summary = "\n".join(demo.lines)
    check("the demo's summary matches the engine's counts to the output topics",
          "the engine's counts match the output topics: yes" in summary)
    check("the demo's summary shows the same orders received",
          ("orders received        %d" % orders["received"]) in summary)


class Page(html.parser.HTMLParser):
    """Elements by id: their attributes and text."""

    def __init__(self):
        super().__init__()
        self.by_id = {}
        self.body = {}
        self.stack = []
        self.canvases = {}
        self.classes = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "canvas":
            self.canvases[a.get("id")] = a
        self.classes.extend((a.get("class") or "").split())
        if "id" in a:
            self.by_id[a["id"]] = {"attrs": a, "text": ""}
        if tag not in ("br", "img", "meta", "link", "input"):
            self.stack.append(a.get("id"))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for element_id in self.stack:
            if element_id is not None:
                self.by_id[element_id]["text"] += data


def chromium(args, url):
    profile = tempfile.mkdtemp(prefix="orderflow-chromium-")
    try:
        command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync",
                   "--user-data-dir=" + profile, "--virtual-time-budget=5000",
                   "--window-size=1280,900"] + args + [url]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def percent(rate):
    return "%.1f %%" % (100 * rate)


def test_browser(url, artifacts):
    _, _, body = fetch(url + "api/metrics")
    api = json.loads(body)
    dom = chromium(["--dump-dom"], url)
    check("chromium dumps the page", dom.returncode == 0 and "<body" in dom.stdout,
          dom.stderr[-2000:])
    page = Page()
    page.feed(dom.stdout)
    check("the page drew the metrics (body data-as-of = asOf)",
          page.body.get("data-as-of") == api["asOf"], page.body.get("data-as-of"))

    def tile(name):
        element = page.by_id.get("tile-" + name, {"attrs": {}, "text": ""})
        return element["attrs"].get("data-value"), element["text"].strip()

    rates = api["rates"]
    for name, expected in [("accuracy", rates["accuracy"]), ("fill", rates["fill"]),
                           ("on-time", rates["onTime"])]:
        raw, text = tile(name)
        check("tile %s: %s, not zero" % (name, text),
              expected is not None and expected > 0 and raw is not None and raw != ""
              and close(float(raw), expected) and text == percent(expected),
              "(data-value %s, api %s)" % (raw, expected))
    for name, expected in [("received", api["orders"]["received"]),
                           ("backlog", api["backlog"]["total"])]:
        raw, text = tile(name)
        check("tile %s: %s, not zero" % (name, text),
              expected > 0 and raw == str(expected) and text == "{:,}".format(expected),
              "(data-value %s, api %s)" % (raw, expected))
    p90 = api["cycleTimeSeconds"]["placedToShipped"]["p90"]
    raw, text = tile("ship-p90")
    check("tile ship-p90: %s" % text,
          p90 is not None and raw == str(p90) and text == "%.1f h" % (p90 / 3600.0),
          "(data-value %s, api %s)" % (raw, p90))
    top = ", ".join(t["kind"] for t in api["escalations"]["topKinds"])
    got_top = page.by_id.get("top-kinds", {}).get("text", "").strip()
    check("the top three escalation kinds are named: %s" % got_top, top and got_top == top, top)
    for canvas in ["chart-cycle", "chart-escalations", "chart-backlog-status",
                   "chart-backlog-age"]:
        attrs = page.canvases.get(canvas)
        check("chart %s is drawn" % canvas,
              attrs is not None and "display: block" in (attrs.get("style") or ""), attrs)
    counters = page.by_id.get("host-counters", {}).get("text", "")
    check("the footer says how long 99 %% of commits took: %s" % counters.strip(),
          re.search(r"commits \(99 % within \d+ m?s\)", counters) is not None)
    check("no chart library missing", "missing" not in page.classes)
    check("the page reached the metrics", "error" not in page.classes)

    os.makedirs(artifacts, exist_ok=True)
    png = os.path.join(artifacts, "dashboard.png")
    if os.path.exists(png):
        os.remove(png)
    shot = chromium(["--screenshot=" + png], url)
    check("a screenshot is taken", shot.returncode == 0 and os.path.exists(png)
          and os.path.getsize(png) > 20000, shot.stderr[-2000:])
    print("screenshot: %s" % png)


def main():
    binary, mode = sys.argv[1], sys.argv[2]
    demo = Demo(binary)
    try:
        url = demo.start()
        if mode == "prometheus":
            test_prometheus(url, demo)
        elif mode == "browser":
            test_browser(url, sys.argv[3])
        else:
            raise SystemExit("unknown mode %s" % mode)
    except Exception as e:  # a failure to start or to reach the demo
        check("the demo serves its metrics", False, str(e))
    finally:
        demo.stop()
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
