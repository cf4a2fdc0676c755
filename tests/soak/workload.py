"""The soak's workload: orders, stock, cancellations, shipments and invoices
in waves, each wave 26 hours of event time after the one before and a few
minutes long, so that deadlines and aged backorders fall due between waves
(never inside one) and fire, and later waves clear what they raised.

A wave is published only once the outputs of the one before it are
complete (soak.py), so within a wave nothing depends on how Kafka
interleaves topics and partitions:

- "ample" (compared with replay): stock enough for everything, except a
  few SKUs counted at zero that orders of the first waves wait for
  (BACKORDERED, BACKORDER_AGED raised) until a receipt of exactly what
  they need arrives in a wave with no new order for them (all ALLOCATED,
  BACKORDER_AGED cleared). Each order's fate (cancelled; shipped, maybe
  late, maybe failing once, then delivered; shipped only; left alone) is
  drawn in advance.
- "tight" (checked by invariants): little stock, receipts now and then,
  so orders compete; which orders ship or are cancelled is chosen after
  each wave from the statuses that came out (`plan_tight_actions`).
"""

import random
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
WAVE = timedelta(hours=26)
ADDRESS = {"name": "A Customer", "line1": "1 High St", "city": "Leeds",
           "postalCode": "LS1 1AA", "country": "GB"}
LEVELS = ["STANDARD"] * 6 + ["EXPRESS"] * 2 + ["OVERNIGHT"] * 2


def ts(wave, seconds):
    t = T0 + wave * WAVE + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def record(topic, key, when, value):
    return {"topic": topic, "key": key, "timestamp": when, "value": value}


class Workload:
    def __init__(self, seed, mode, waves, orders_per_wave):
        self.rnd = random.Random(seed)
        self.mode = mode
        self.waves = waves
        self.orders_per_wave = orders_per_wave
        self.lines = {}  # order id -> its lines (valid orders only)
        self.initial = {}  # SKU -> the count of wave 0's snapshot
        self.receipts = {}  # SKU -> units received in the waves
        self.published = []  # every wave's records, in order
        self._n = 0
        if mode == "ample":
            self.skus = ["SKU-%04d" % i for i in range(150)]
            self.scarce = ["SKU-S%02d" % i for i in range(4)]
            self.receipt_wave = min(3, waves)
            self.initial = {s: 10_000_000 for s in self.skus}
            self.initial.update({s: 0 for s in self.scarce})
        else:
            self.skus = ["SKU-T%03d" % i for i in range(25)]
            self.scarce = []
            self.initial = {s: self.rnd.randint(5, 40) for s in self.skus}
        self.plans = {}  # wave -> [records] drawn in advance (ample)
        self.scarce_need = {s: 0 for s in self.scarce}

    def wave0(self):
        return [record("inventory", s, ts(0, 1),
                       {"sku": s, "kind": "SNAPSHOT", "quantity": q, "occurredAt": ts(0, 1)})
                for s, q in sorted(self.initial.items())]

    def wave(self, k, extra=()):
        """Wave k (from 1): new orders, then what was planned for it (and
        `extra`, the tight mode's actions), then receipts."""
        rnd = self.rnd
        out = []
        t = 30.0
        for _ in range(self.orders_per_wave):
            t += rnd.uniform(0.05, 0.4)
            oid = "O-%06d" % self._n
            self._n += 1
            skus = rnd.sample(self.skus, rnd.randint(1, 3))
            with_scarce = (self.mode == "ample" and k < self.receipt_wave
                           and rnd.random() < 0.1)
            if with_scarce:
                skus.append(rnd.choice(self.scarce))
            lines = [{"lineId": str(i + 1), "sku": s, "quantity": rnd.randint(1, 5),
                      "unitPriceMinor": 1299} for i, s in enumerate(skus)]
            value = {"orderId": oid, "customerId": "C-%d" % rnd.randint(1, 500),
                     "placedAt": ts(k, t), "serviceLevel": rnd.choice(LEVELS),
                     "currency": "EUR", "shipTo": dict(ADDRESS), "lines": lines}
            invalid = rnd.random() < 0.02
            if invalid:
                value["lines"][0]["quantity"] = 0
            r = record("orders", oid, ts(k, t), value)
            out.append(r)
            if rnd.random() < 0.02:
                out.append(r)  # the same record twice: a no-op
            if invalid:
                continue
            self.lines[oid] = lines
            if with_scarce:
                self.scarce_need[skus[-1]] += lines[-1]["quantity"]
            if self.mode == "ample":
                first = self.receipt_wave + 1 if with_scarce else k + 1
                self._plan_fate(oid, lines, max(first, k + 1))
        t += 60
        actions = self.plans.pop(k, []) + list(extra)
        for r in actions:
            t += rnd.uniform(0.02, 0.2)
            out.append(self._stamped(r, k, t))
        t += 60
        for sku, qty in self._receipts(k):
            t += 0.1
            self.receipts[sku] = self.receipts.get(sku, 0) + qty
            out.append(record("inventory", sku, ts(k, t),
                              {"sku": sku, "kind": "RECEIPT", "quantity": qty,
                               "occurredAt": ts(k, t)}))
        self.published += out
        return out

    def _receipts(self, k):
        if self.mode == "ample":
            if k == self.receipt_wave:
                return [(s, n) for s, n in sorted(self.scarce_need.items()) if n > 0]
            return []
        if k == 1:
            return []
        return [(s, self.rnd.randint(5, 30)) for s in self.skus if self.rnd.random() < 0.3]

    def _stamped(self, r, k, t):
        """An action drawn without a time gets its wave's time now; a
        shipment sequence keeps its own order (SHIPPED before DELIVERED)."""
        value = dict(r["value"])
        when = ts(k, t)
        for field in ("requestedAt", "occurredAt", "issuedAt"):
            if field in value:
                value[field] = when
        return record(r["topic"], r["key"], when, value)

    def _plan_fate(self, oid, lines, first):
        rnd = self.rnd
        roll = rnd.random()
        if roll < 0.10:
            self._at(first + rnd.choice((0, 0, 1)), self.cancellation(oid))
        elif roll < 0.80:
            ship = first + rnd.choice((0, 0, 0, 1, 2))
            self._at(ship, *self.shipments(oid, ["SHIPPED"]))
            self._at(ship, self.invoice(oid, lines, rnd.random() < 0.05))
            if roll < 0.70:
                deliver = ship + rnd.choice((0, 0, 1, 2))
                statuses = ["DELIVERY_FAILED", "DELIVERED"] if rnd.random() < 0.06 \
                    else ["DELIVERED"]
                self._at(deliver, *self.shipments(oid, statuses))
        # else: left alone; its deadlines fire

    def _at(self, wave, *records):
        if wave <= self.waves:
            self.plans.setdefault(wave, []).extend(records)

    # The records of each action, without their times (_stamped sets them).
    @staticmethod
    def cancellation(oid):
        return record("cancellations", oid, None,
                      {"orderId": oid, "requestedAt": None, "reason": "customer asked"})

    @staticmethod
    def shipments(oid, statuses):
        return [record("shipments", oid, None,
                       {"orderId": oid, "shipmentId": "S-" + oid, "status": s,
                        "occurredAt": None}) for s in statuses]

    @staticmethod
    def invoice(oid, lines, wrong):
        inv = [{"lineId": l["lineId"], "sku": l["sku"], "quantity": l["quantity"],
                "amountMinor": l["quantity"] * l["unitPriceMinor"]} for l in lines]
        if wrong:
            inv[0]["quantity"] += 1
            inv[0]["amountMinor"] += lines[0]["unitPriceMinor"]
        return record("invoices", oid, None,
                      {"orderId": oid, "invoiceId": "INV-" + oid, "issuedAt": None,
                       "lines": inv})


def plan_tight_actions(workload, statuses, done, rnd):
    """The tight mode's next actions, from each order's current status:
    some ALLOCATED orders ship (and most are delivered at once), some
    orders not yet shipped are cancelled; an order gets at most one
    action (`done` remembers them)."""
    actions = []
    for oid in sorted(statuses):
        if oid in done or oid not in workload.lines:
            continue
        status = statuses[oid]
        if status == "ALLOCATED" and rnd.random() < 0.5:
            done.add(oid)
            seq = ["SHIPPED"] + (["DELIVERED"] if rnd.random() < 0.7 else [])
            actions += workload.shipments(oid, seq)
        elif status in ("ACCEPTED", "BACKORDERED", "ALLOCATED") and rnd.random() < 0.06:
            done.add(oid)
            actions.append(workload.cancellation(oid))
    return actions
