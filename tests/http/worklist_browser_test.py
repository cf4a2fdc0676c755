#!/usr/bin/env python3
"""The worklist and the order page in headless Chromium, against a short demo.

    worklist_browser_test.py ORDERFLOW_BINARY ARTIFACT_DIR

Runs the demo of dashboard_test.py (3 simulated days in 15 s, a free port,
--keep-serving), then drives Chromium over the DevTools protocol (a pipe:
--remote-debugging-pipe, no extra library):
  - #/escalations lists the rows of /api/escalations, in its order;
  - the first row's order link opens that order's page, which shows the
    order's status and timeline as /api/orders/<id> has them;
  - the search box, filled in and submitted, opens another order's page;
  - the level filter lists what /api/escalations?level=N lists.
Screenshots of the worklist and of both order pages are kept in
ARTIFACT_DIR (worklist.png, order-from-worklist.png, order-from-search.png).
"""

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dashboard_test  # noqa: E402  (the demo, fetch and check)
from dashboard_test import check, fetch  # noqa: E402


class Chromium:
    """Headless Chromium driven over --remote-debugging-pipe (fds 3 and 4:
    NUL-terminated JSON messages)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="orderflow-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # Above 4 first, so that neither end lands on the other's number.
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=1280,
                  height=900, deviceScaleFactor=1, mobile=False)

    def _message(self, timeout):
        deadline = time.time() + timeout
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise RuntimeError("chromium did not answer within %d s" % timeout)
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=False, timeout=60, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message(timeout)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def eval(self, expression):
        result = self.call("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("%s: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait(self, expression, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            # Not there yet (the page still loading) is not an error here.
            value = self.eval("(() => { try { return (%s); } catch (e) { return null; } })()"
                              % expression)
            if value:
                return value
            time.sleep(0.2)
        return None

    def go(self, url):
        self.call("Page.navigate", session=True, url=url)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", session=True, format="png",
                         captureBeyondViewport=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return os.path.getsize(path)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:  # already gone
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


def api(url, path):
    status, _, body = fetch(url + path)
    return status, json.loads(body)


# The rows the page shows: [escalation id, order id, level text, kind].
ROWS = """[...document.querySelectorAll('#worklist-rows tr')].map(tr => [
  tr.dataset.escalationId, tr.querySelector('a').dataset.orderId,
  tr.children[1].textContent, tr.children[2].textContent])"""


def order_page_shows(browser, url, order_id, how):
    loaded = browser.wait(
        "document.getElementById('page-order').dataset.loaded === 'yes' && "
        "document.getElementById('order-id') && "
        "document.getElementById('order-id').textContent === %s" % json.dumps(order_id))
    check("%s: the order page of %s is shown" % (how, order_id), bool(loaded))
    status, order = api(url, "api/orders/" + urllib.parse.quote(order_id))
    check("%s: /api/orders/%s answers 200" % (how, order_id), status == 200, status)
    shown_status = browser.eval("document.getElementById('order-status').textContent")
    check("%s: its status is the API's (%s)" % (how, order["state"]["status"]),
          shown_status == (order["state"]["status"] or "unknown"), shown_status)
    rows = browser.eval("document.querySelectorAll('#order-timeline tbody tr').length")
    check("%s: its timeline has the API's %d entries" % (how, len(order["timeline"])),
          rows == len(order["timeline"]) and rows > 0, rows)
    hash_ = browser.eval("location.hash")
    check("%s: the address is #/orders/%s" % (how, order_id),
          hash_ == "#/orders/" + urllib.parse.quote(order_id, safe=""), hash_)
    return order


def test(url, artifacts):
    os.makedirs(artifacts, exist_ok=True)
    status, listed = api(url, "api/escalations?limit=500")
    check("/api/escalations answers 200", status == 200, status)
    rows = listed["escalations"]
    check("the demo left open escalations (%d)" % len(rows), len(rows) > 0)
    ranks = [(-r["level"], r["detectedAt"]) for r in rows]
    check("/api/escalations is highest level first, then oldest", ranks == sorted(ranks))

    browser = Chromium()
    try:
        browser.go(url + "#/escalations")
        loaded = browser.wait("document.getElementById('page-worklist').dataset.loaded")
        check("the worklist page loads", loaded == "yes", loaded)
        shown = browser.eval(ROWS)
        expected = [[r["escalationId"], r["orderId"], "L%d" % r["level"], r["kind"]]
                    for r in rows]
        check("the worklist shows the rows of /api/escalations, in order (%d)" % len(shown),
              shown == expected, "first rows shown %s, expected %s" % (shown[:3], expected[:3]))
        size = browser.screenshot(os.path.join(artifacts, "worklist.png"))
        check("a screenshot of the worklist is kept", size > 20000, size)

        first = rows[0]["orderId"]
        browser.eval("document.querySelector('#worklist-rows tr a').click()")
        order = order_page_shows(browser, url, first, "the first row")
        open_ids = browser.eval(
            "[...document.querySelectorAll('#order-escalations tbody tr')].length")
        check("the order page lists its open escalations (%d)"
              % len(order["state"]["openEscalations"]),
              open_ids == len(order["state"]["openEscalations"]) and open_ids > 0, open_ids)
        size = browser.screenshot(os.path.join(artifacts, "order-from-worklist.png"))
        check("a screenshot of the order page is kept", size > 20000, size)

        # Another order, found with the search box.
        other = next((r["orderId"] for r in rows if r["orderId"] != first), first)
        browser.eval(
            "document.getElementById('search-id').value = %s;"
            "document.querySelector('#search button').click()" % json.dumps(other))
        order_page_shows(browser, url, other, "the search")
        size = browser.screenshot(os.path.join(artifacts, "order-from-search.png"))
        check("a screenshot of the searched order is kept", size > 20000, size)

        browser.eval("document.getElementById('search-id').value = 'NO-SUCH-ORDER';"
                     "document.querySelector('#search button').click()")
        missing = browser.wait("document.getElementById('page-order').dataset.loaded === "
                               "'missing' && !!document.getElementById('order-missing')")
        check("the search says when an order is not known", bool(missing))

        # The level filter.
        level = rows[-1]["level"]
        browser.go(url + "#/escalations")
        browser.wait("document.getElementById('page-worklist').dataset.loaded")
        browser.eval("delete document.getElementById('page-worklist').dataset.loaded;"
                     "const s = document.getElementById('filter-level'); s.value = '%d';"
                     "s.dispatchEvent(new Event('change'))" % level)
        browser.wait("document.getElementById('page-worklist').dataset.loaded")
        _, filtered = api(url, "api/escalations?limit=500&level=%d" % level)
        want = [r["escalationId"] for r in filtered["escalations"]]
        # A refresh of the unfiltered list already under way when the filter
        # changed may land after the filtered one: it is replaced at the
        # next refresh (every 5 s), so the rows are read until they match.
        deadline = time.time() + 12
        shown = browser.eval(ROWS)
        while [r[0] for r in shown] != want and time.time() < deadline:
            time.sleep(0.5)
            shown = browser.eval(ROWS)
        check("the level %d filter shows /api/escalations?level=%d (%d rows)"
              % (level, level, len(filtered["escalations"])),
              [r[0] for r in shown] == [r["escalationId"] for r in filtered["escalations"]]
              and all(r[2] == "L%d" % level for r in shown))
        check("the filter is in the address",
              browser.eval("location.hash") == "#/escalations?level=%d" % level)
    finally:
        browser.close()


def main():
    binary, artifacts = sys.argv[1], sys.argv[2]
    demo = dashboard_test.Demo(binary)
    try:
        url = demo.start()
        test(url, artifacts)
    except Exception as e:  # a failure to start, to reach the demo or to drive chromium
        check("the demo and chromium answer", False, str(e))
    finally:
        demo.stop()
    failed = len(dashboard_test.failures)
    print("%d passed, %d failed" % (dashboard_test.checks - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
