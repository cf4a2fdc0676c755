"""The v1.1 mix for the real-broker tests: orders sourced from three
warehouses in two countries, shipped in parcels by task, amended, held and
released, and asked about by customers (rules 9-13).

Like harness.Workload, its outcome does not depend on how Kafka interleaves
topics and partitions: stock is ample at each warehouse that has a SKU (no
two orders compete for units, and which warehouse serves a line follows
from the order's country alone), every later record concerns an order an
earlier phase settled, each order's records of a phase are on one topic
(so in one partition, in order), and all times lie within an hour, so no
deadline, hold limit or contact ladder falls due.

  phase 1  stock counts at the warehouses, then the orders
  phase 2  per order one of: a cancellation; a hold placed and released
           (some released with CANCEL_ORDER); an amendment (a new address,
           the same one twice, an upgrade to EXPRESS, or one that review
           refuses); a customer contact opened and resolved; else its
           parcels by task, shipped and delivered (some split in two, some
           failing once first)
  phase 3  for some shipped orders: a contact (its root cause from what
           happened), a hold after shipment, or an address change refused
"""

import random
import time
from collections import Counter, defaultdict

import harness
from harness import ts

WAREHOUSES = [("WH-DE-1", 1, ["DE", "AT", "NL"]), ("WH-DE-2", 2, ["DE"]),
              ("WH-FR", 1, ["FR"])]
SOURCING_YAML = "sourcing:\n  warehouses:\n" + "".join(
    "    - {id: %s, rank: %d, countries: [%s]}\n" % (w, rank, ", ".join(c))
    for w, rank, c in WAREHOUSES)
STOCK = 10_000_000
ADDRESSES = {
    "DE": {"name": "Ada Lovelace", "line1": "1 Hauptstrasse", "city": "Berlin",
           "postalCode": "10115", "country": "DE"},
    "AT": {"name": "Alan Turing", "line1": "2 Ring", "city": "Vienna",
           "postalCode": "1010", "country": "AT"},
    "FR": {"name": "Grace Hopper", "line1": "3 Rue de la Paix", "city": "Paris",
           "postalCode": "75002", "country": "FR"},
}
COUNTRIES = ["DE"] * 6 + ["AT"] + ["FR"] * 3
HOLD_TYPES = ["PAYMENT"] * 4 + ["FRAUD"] * 2 + ["ADDRESS", "CREDIT", "CUSTOMER_REQUEST", "OTHER"]
CONTACT_KINDS = ["WHERE_IS_MY_ORDER"] * 4 + ["LATE", "DAMAGED", "WRONG_ITEM", "BILLING"]


def homes_of(i):
    """Where SKU i is stocked: most at WH-DE-1, some at WH-DE-2 or WH-FR,
    and a sixth at both WH-DE-1 and WH-FR (French orders take them from
    WH-FR, the others from WH-DE-1)."""
    if i % 6 == 0:
        return ["WH-DE-1", "WH-FR"]
    return ["WH-DE-1", "WH-DE-1", "WH-DE-1", "WH-DE-2", "WH-FR"][i % 5:i % 5 + 1]


class MixWorkload:
    def __init__(self, seed, orders, skus=300):
        rnd = random.Random(seed)
        self.rnd = random.Random(seed + 1)  # phases 2 and 3
        self.skus = ["SKU-%05d" % i for i in range(skus)]
        self.homes = {s: homes_of(i) for i, s in enumerate(self.skus)}
        self.inventory = [harness.stock_count(s, STOCK, w)
                          for s in self.skus for w in self.homes[s]]
        self.orders, self.valid_orders, t = harness.random_orders(
            rnd, self.skus, orders, lambda r: r.choice([1, 1, 1, 2, 2, 3, 4]),
            lambda r: dict(ADDRESSES[r.choice(COUNTRIES)]))
        self.t = t + 300
        self.phase2_records, self.phase3_records = [], []
        self.shipped = {}  # order id -> whether a parcel failed once

    def phase1(self):
        return self.inventory + self.orders

    def _at(self):
        self.t += self.rnd.uniform(0.01, 0.05)
        return ts(self.t)

    def _add(self, out, topic, key, value, when):
        out.append(harness.record(topic, key, value, when))

    def make_phase2(self, tasks):
        """`tasks`: order id -> [(taskId, lines)] from phase 1's replay."""
        out = self.phase2_records
        for record in self.valid_orders:
            oid, order = record["key"], record["value"]
            roll = self.rnd.random()
            when = self._at()
            if roll < 0.04:
                self._add(out, "cancellations", oid,
                          {"orderId": oid, "requestedAt": when, "reason": "customer asked"}, when)
            elif roll < 0.09:
                kind = self.rnd.choice(HOLD_TYPES)
                self._add(out, "holds", oid,
                          {"orderId": oid, "holdId": "H-" + oid, "action": "PLACE",
                           "type": kind, "occurredAt": when, "note": "check"}, when)
                later = ts(self.t + self.rnd.uniform(60, 300))
                outcome = "CANCEL_ORDER" if self.rnd.random() < 0.2 else "RESUME"
                self._add(out, "holds", oid,
                          {"orderId": oid, "holdId": "H-" + oid, "action": "RELEASE",
                           "occurredAt": later, "outcome": outcome}, later)
            elif roll < 0.14:
                self._amend(out, oid, order, when)
            elif roll < 0.17:
                contact = {"contactId": "CT-" + oid, "orderId": oid,
                           "customerId": order["customerId"], "receivedAt": when,
                           "kind": self.rnd.choice(CONTACT_KINDS), "channel": "email"}
                self._add(out, "customer-contacts", oid, contact, when)
                resolved = ts(self.t + self.rnd.uniform(60, 600))
                self._add(out, "customer-contacts", oid,
                          dict(contact, resolvedAt=resolved, resolution="answered"), resolved)
            elif oid in tasks:
                self._ship(out, oid, tasks[oid])

    def _amend(self, out, oid, order, when):
        pick = self.rnd.random()
        value = {"orderId": oid, "amendmentId": "A-" + oid, "requestedAt": when}
        if pick < 0.5:
            value["shipTo"] = dict(order["shipTo"], line2="c/o reception")
        elif pick < 0.65:
            value["shipTo"] = dict(order["shipTo"], line2="back door")
            self._add(out, "amendments", oid, value, when)
            when = self._at()  # the same amendment again: a no-op
        elif pick < 0.85 and order["serviceLevel"] == "STANDARD":
            value["serviceLevel"] = "EXPRESS"
        else:
            # More units than review lets an order have: refused whole.
            line = order["lines"][0]
            value["lines"] = [{"lineId": line["lineId"], "sku": line["sku"],
                               "quantity": 5000}]
        self._add(out, "amendments", oid, value, when)

    def _ship(self, out, oid, tasks):
        failed = False
        for n, (task_id, lines) in enumerate(tasks):
            units = sum(l["quantity"] for l in lines)
            parcels = [lines]
            if units >= 2 and self.rnd.random() < 0.15:
                if len(lines) == 1:
                    q = lines[0]["quantity"]
                    parcels = [[dict(lines[0], quantity=q // 2)],
                               [dict(lines[0], quantity=q - q // 2)]]
                else:
                    parcels = [lines[::2], lines[1::2]]
            for k, parcel in enumerate(parcels):
                sid = "P-%s-%d-%d" % (oid, n + 1, k + 1)
                statuses = ["SHIPPED"]
                if self.rnd.random() < 0.03:
                    statuses.append("DELIVERY_FAILED")
                    failed = True
                statuses.append("DELIVERED")
                for status in statuses:
                    when = self._at()
                    self._add(out, "shipments", oid,
                              {"orderId": oid, "shipmentId": sid, "status": status,
                               "occurredAt": when, "carrier": "DHL", "taskId": task_id,
                               "lines": [{"lineId": l["lineId"], "quantity": l["quantity"]}
                                         for l in parcel]}, when)
        self.shipped[oid] = failed

    def make_phase3(self):
        out = self.phase3_records
        self.t += 60
        by_id = {r["key"]: r["value"] for r in self.valid_orders}
        for oid in sorted(self.shipped):
            roll = self.rnd.random()
            when = self._at()
            if roll < 0.04 or (self.shipped[oid] and roll < 0.5):
                self._add(out, "customer-contacts", oid,
                          {"contactId": "CT3-" + oid, "orderId": oid,
                           "customerId": by_id[oid]["customerId"], "receivedAt": when,
                           "kind": "DAMAGED", "channel": "phone"}, when)
            elif roll < 0.06:
                self._add(out, "holds", oid,
                          {"orderId": oid, "holdId": "H3-" + oid, "action": "PLACE",
                           "type": "FRAUD", "occurredAt": when}, when)
            elif roll < 0.08:
                self._add(out, "amendments", oid,
                          {"orderId": oid, "amendmentId": "A3-" + oid, "requestedAt": when,
                           "shipTo": dict(by_id[oid]["shipTo"], line2="too late")}, when)

    def phase2(self):
        return self.phase2_records

    def phase3(self):
        return self.phase3_records

    def input_count(self):
        return len(self.phase1()) + len(self.phase2()) + len(self.phase3())

    def expected_stock(self, outcome):
        """Per SKU, summed over its warehouses: on hand and reserved at the
        end, from the order outcomes (what shipped consumed its units; an
        order allocated or on hold keeps them reserved)."""
        on_hand = {s: STOCK * len(self.homes[s]) for s in self.skus}
        reserved = Counter()
        for record in self.valid_orders:
            status = outcome.get(record["key"])
            for line in record["value"]["lines"]:
                if status in ("SHIPPED", "DELIVERED", "DELIVERY_FAILED",
                              "PARTIALLY_DELIVERED"):
                    on_hand[line["sku"]] -= line["quantity"]
                elif status in ("ALLOCATED", "ON_HOLD"):
                    reserved[line["sku"]] += line["quantity"]
        return on_hand, reserved


def tasks_of(outputs):
    """Order id -> [(taskId, lines)] of the tasks created, in output order."""
    tasks = defaultdict(list)
    for r in outputs:
        v = r["value"]
        if r["topic"] == "delivery-tasks" and v["action"].endswith("CREATE"):
            tasks[v["orderId"]].append(
                (v["taskId"], [{"lineId": l["lineId"], "quantity": l["quantity"]}
                               for l in v["lines"]]))
    return tasks


def replay(of, records):
    """`orderflow replay` of `records` with the mix's warehouses configured."""
    return of.replay(records, SOURCING_YAML)


def wait_for_stock(of, workload, timeout=300):
    """Until the inventory stage has every count at every warehouse."""
    deadline = time.time() + timeout
    while True:
        counted = {r["key"] for r in of.tail("inventory-stage-changelog")
                   if r["key"] and int(r["value"].get("onHand", 0))
                   == STOCK * len(workload.homes[r["key"]])}
        if counted >= set(workload.skus):
            return
        if time.time() > deadline:
            raise AssertionError("stock: only %d of %d SKUs counted at every warehouse"
                                 % (len(counted), len(workload.skus)))
        time.sleep(1)


def amendment_facts(records):
    return Counter((r["value"]["orderId"], r["value"]["amendmentId"],
                    r["value"]["outcome"], tuple(r["value"].get("reasons", [])))
                   for r in records if r["topic"] == "amendment-results")


def amendment_problems(of, expected):
    """The amendment results (outside harness.facts' topics): the replay's,
    each once."""
    e, a = amendment_facts(expected), amendment_facts(
        [dict(r, topic="amendment-results") for r in of.tail("amendment-results")])
    problems = ["amendment-results: duplicated %dx: %s" % (n, k)
                for k, n in a.items() if n > 1]
    problems += ["amendment-results: missing: %s" % (k,) for k in e if k not in a]
    problems += ["amendment-results: unexpected: %s" % (k,) for k in a if k not in e]
    return problems
