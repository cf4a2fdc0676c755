#!/usr/bin/env python3
"""Checks `orderflow inspect ORDER --replay INPUT --json` against the replay
itself: the timeline holds every input record keyed by ORDER and every
output keyed by ORDER, in the order the engine saw and wrote them, with
their times and contents, and the state is what the scenario expects.

Usage: check_json.py ORDERFLOW INPUT ORDER EXPECTED_STATE.json [CONFIG.yaml]
"""
import json
import subprocess
import sys

binary, input_path, order_id, expected_state_path = sys.argv[1:5]
config = ["--config", sys.argv[5]] if len(sys.argv) > 5 else []
problems = []


def run(*args):
    done = subprocess.run([binary, args[0], *config, *args[1:]],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {done.returncode}: {done.stderr}")
    return done.stdout


order = json.loads(run("inspect", order_id, "--replay", input_path, "--json"))
outputs = [json.loads(l) for l in run("replay", input_path).splitlines()]
inputs = [json.loads(l) for l in open(input_path) if l.strip()]
inputs = [r for r in inputs if "topic" in r]

if order.get("orderId") != order_id:
    problems.append(f"orderId is {order.get('orderId')!r}")
if order.get("droppedEntries") != 0:
    problems.append(f"droppedEntries is {order.get('droppedEntries')!r}")

timeline = order["timeline"]
got_in = [e for e in timeline if e["direction"] == "in"]
got_out = [e for e in timeline if e["direction"] == "out"]
want_in = [r for r in inputs if r.get("key") == order_id]
want_out = [r for r in outputs if r.get("key") == order_id]


def same_enum(a, b):
    """Equal, enum values compared by their suffix (docs/contract.md lets clients)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_enum(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_enum(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, int) or isinstance(a, int) and isinstance(b, str):
        return str(a) == str(b)  # int64 is a string in protobuf JSON
    if isinstance(a, str) and isinstance(b, str) and a != b:
        return a.endswith("_" + b) or b.endswith("_" + a)
    return a == b


if len(got_in) != len(want_in):
    problems.append(f"{len(got_in)} inputs in the timeline, {len(want_in)} in the input")
for i, (g, w) in enumerate(zip(got_in, want_in)):
    if g["topic"] != w["topic"] or g["time"] != w["timestamp"]:
        problems.append(f"input {i}: {g['topic']} at {g['time']}, expected {w['topic']} at {w['timestamp']}")
    if not same_enum(g["record"], w["value"]):
        problems.append(f"input {i}: record {g['record']} differs from {w['value']}")
if len(got_out) != len(want_out):
    problems.append(f"{len(got_out)} outputs in the timeline, {len(want_out)} from the replay")
for i, (g, w) in enumerate(zip(got_out, want_out)):
    if (g["topic"], g["time"], g["record"]) != (w["topic"], w["timestamp"], w["value"]):
        problems.append(f"output {i}: {g['topic']} {g['time']} {g['record']} != {w['topic']} {w['timestamp']} {w['value']}")

# The timeline interleaves both in engine order: here, times never go back,
# and each output follows the input that caused it (or the timer).
times = [e["time"] for e in timeline]
if times != sorted(times):
    problems.append(f"times go back: {times}")
for e in timeline:
    if not e.get("summary"):
        problems.append(f"an entry has no summary: {e}")

expected_state = json.load(open(expected_state_path))
if order["state"] != expected_state:
    for k in sorted(set(expected_state) | set(order["state"])):
        if expected_state.get(k) != order["state"].get(k):
            problems.append(f"state.{k}: expected {expected_state.get(k)!r}, got {order['state'].get(k)!r}")

for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
