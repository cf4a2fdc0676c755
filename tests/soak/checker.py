"""The soak's checker: what came out of the engine, read from the output
topics (read_committed), judged without any of the engine's code.

Records are the JSON envelopes `orderflow tail` and `orderflow replay`
print: topic, key, value, and on Kafka partition and offset. Enum values
are compared without their type prefix (ORDER_STATUS_ and so on).

- `compare_with_replay`: per order the same status sequence, delivery
  tasks and escalations as the replay of the same input, and the same dead
  letters; nothing twice, nothing missing.
- `invariants`: what must hold whatever order the engine allocated in:
  each order's status chain is a valid one, nothing twice, every
  allocation has its delivery task and every escalation is raised before
  it is cleared, and stock is conserved per SKU with no order left
  BACKORDERED while its SKUs have stock.
"""

import json
from collections import Counter, defaultdict

# Which status may follow which (the contract's rules 1-5).
NEXT = {
    "": {"ACCEPTED", "REJECTED"},
    "ACCEPTED": {"ALLOCATED", "BACKORDERED", "CANCELLED", "SHIPPED"},
    "BACKORDERED": {"ALLOCATED", "CANCELLED", "SHIPPED"},
    "ALLOCATED": {"SHIPPED", "CANCELLED"},
    "SHIPPED": {"DELIVERED", "DELIVERY_FAILED"},
    "DELIVERY_FAILED": {"DELIVERED"},
    "REJECTED": set(), "CANCELLED": set(), "DELIVERED": set(),
}
SHIPPED_OR_LATER = {"SHIPPED", "DELIVERED", "DELIVERY_FAILED"}


def bare(value):
    """ORDER_STATUS_SHIPPED -> SHIPPED; None -> ''."""
    if not value:
        return ""
    for prefix in ("ORDER_STATUS_", "TASK_ACTION_", "ESCALATION_STATE_", "ESCALATION_KIND_"):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def in_log_order(records):
    """Kafka records by (partition, offset); replay's keep their order."""
    return sorted(records, key=lambda r: (r.get("partition", 0), r.get("offset", 0)))


def per_order(records):
    """order id -> (status steps, tasks, escalations), each in log order."""
    out = defaultdict(lambda: ([], [], []))
    for r in in_log_order(records):
        v = r["value"]
        if r["topic"] == "order-status":
            out[v["orderId"]][0].append((bare(v.get("previousStatus")), bare(v["status"]),
                                         tuple(v.get("reasons", []))))
        elif r["topic"] == "delivery-tasks":
            lines = tuple(sorted((l["lineId"], l["sku"], int(l["quantity"])) for l in v["lines"]))
            out[v["orderId"]][1].append((v["taskId"], bare(v["action"]), lines))
        elif r["topic"] == "escalations":
            out[v["orderId"]][2].append((v["escalationId"], bare(v["state"])))
    return out


def dead_letters(records):
    return Counter((r.get("key"), r["value"].get("reason"))
                   for r in records if r["topic"] == "dead-letter")


def compare_with_replay(expected, actual):
    problems = []
    want, got = per_order(expected), per_order(actual)
    for oid in sorted(set(want) | set(got)):
        w, g = want.get(oid, ([], [], [])), got.get(oid, ([], [], []))
        if w[0] != g[0]:
            problems.append("order %s: statuses %s, replay %s" % (oid, g[0], w[0]))
        if Counter(w[1]) != Counter(g[1]):
            problems.append("order %s: tasks %s, replay %s" % (oid, g[1], w[1]))
        if Counter(w[2]) != Counter(g[2]):
            problems.append("order %s: escalations %s, replay %s"
                            % (oid, sorted(g[2]), sorted(w[2])))
    dw, dg = dead_letters(expected), dead_letters(actual)
    if dw != dg:
        problems.append("dead letters %s, replay %s"
                        % (sorted((dg - dw).items()), sorted((dw - dg).items())))
    return problems


def chain_problems(records):
    """Each order's status chain, each task and each escalation id."""
    problems = []
    for oid, (steps, tasks, escalations) in sorted(per_order(records).items()):
        prev = ""
        for p, s, reasons in steps:
            if p != prev:
                problems.append("order %s: %s->%s follows %s (gap or duplicate)"
                                % (oid, p or "-", s, prev or "-"))
            elif s not in NEXT.get(p, set()):
                problems.append("order %s: %s->%s is not a valid step" % (oid, p or "-", s))
            prev = s
        for key, n in Counter((t, a) for t, a, _ in tasks).items():
            if n > 1:
                problems.append("order %s: task %s %s %d times" % (oid, key[0], key[1], n))
        statuses = [s for _, s, _ in steps]
        creates = [t for t in tasks if t[1] == "CREATE"]
        if ("ALLOCATED" in statuses) != bool(creates):
            problems.append("order %s: allocated %s, task CREATEs %d"
                            % (oid, "ALLOCATED" in statuses, len(creates)))
        if any(t[1] == "CANCEL" for t in tasks) and not creates:
            problems.append("order %s: a task CANCEL without its CREATE" % oid)
        if creates and statuses[-1:] == ["CANCELLED"] and \
                not any(t[1] == "CANCEL" for t in tasks):
            problems.append("order %s: cancelled after allocation, task not cancelled" % oid)
        seen = Counter()
        for eid, state in escalations:
            seen[(eid, state)] += 1
            if seen[(eid, state)] == 2:
                problems.append("order %s: escalation %s %s twice" % (oid, eid, state))
            if state == "CLEARED" and not seen[(eid, "RAISED")]:
                problems.append("order %s: escalation %s cleared before raised" % (oid, eid))
    return problems


def final_statuses(records):
    last = {}
    for r in in_log_order(records):
        if r["topic"] == "order-status":
            last[r["value"]["orderId"]] = bare(r["value"]["status"])
    return last


def stock_problems(records, changelog, lines, initial, receipts):
    """Stock per SKU against the orders' outcomes. `changelog` is the
    inventory stage's changelog (last record per SKU wins), `lines` each
    valid order's lines, `initial` the snapshot counts and `receipts` what
    the waves received.

    - on hand = counted + received - the units of every order that shipped;
    - reserved lies between the units of the ALLOCATED orders and those
      plus the units of the BACKORDERED ones (which hold part of theirs);
    - a SKU with stock available keeps no order waiting: reserved is then
      exactly that sum, and every BACKORDERED order is short of some SKU
      with nothing available."""
    state = {}
    for r in in_log_order(changelog):
        if r.get("key"):
            state[r["key"]] = r.get("value") or {}
    final = final_statuses(records)
    shipped, allocated, backordered = Counter(), Counter(), Counter()
    for oid, ls in lines.items():
        status = final.get(oid)
        for l in ls:
            q = int(l["quantity"])
            if status in SHIPPED_OR_LATER:
                shipped[l["sku"]] += q
            elif status == "ALLOCATED":
                allocated[l["sku"]] += q
            elif status == "BACKORDERED":
                backordered[l["sku"]] += q
    problems, available = [], {}
    for sku in sorted(initial):
        v = state.get(sku, {})
        on_hand, reserved = int(v.get("onHand", 0)), int(v.get("reserved", 0))
        want = initial[sku] + receipts.get(sku, 0) - shipped[sku]
        available[sku] = on_hand - reserved
        if on_hand != want:
            problems.append("stock %s: on hand %d, expected %d (counted %d + received %d"
                            " - shipped %d)" % (sku, on_hand, want, initial[sku],
                                                 receipts.get(sku, 0), shipped[sku]))
        if not allocated[sku] <= reserved <= allocated[sku] + backordered[sku]:
            problems.append("stock %s: reserved %d, allocated orders hold %d, backordered"
                            " ones need %d" % (sku, reserved, allocated[sku], backordered[sku]))
        elif available[sku] > 0 and reserved != allocated[sku] + backordered[sku]:
            problems.append("stock %s: %d available while backordered orders wait for %d"
                            % (sku, available[sku],
                               allocated[sku] + backordered[sku] - reserved))
        if available[sku] < 0:
            problems.append("stock %s: reserved %d exceeds on hand %d" % (sku, reserved, on_hand))
    for oid, status in sorted(final.items()):
        if status == "BACKORDERED" and oid in lines and \
                all(available.get(l["sku"], 0) > 0 for l in lines[oid]):
            problems.append("order %s: BACKORDERED while each of its SKUs has stock" % oid)
    return problems


def first_difference(expected, actual, oid):
    """Both sides of one order, for the report of a failing cycle."""
    pick = lambda rs: [json.dumps(r["value"], sort_keys=True) for r in in_log_order(rs)
                       if r["value"].get("orderId") == oid]
    return {"order": oid, "replay": pick(expected), "kafka": pick(actual)}
