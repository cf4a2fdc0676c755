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

  end_to_end              one engine, undisturbed
  crash_restart           >= 100,000 input events; the engine is killed with
                          SIGKILL at random moments (>= 3 times) and restarted
  broker_restart_scale_out a second engine joins and later leaves; the broker
                          is killed and restarted in the middle
  aborts_rewind           every 2nd transaction is aborted (fault injection):
                          state rolls back and input rewinds each time

Usage: exactly_once_test.py ORDERFLOW_BINARY [TEST ...]
"""

import os
import random
import sys
import time

import harness
from harness import Broker, Orderflow, Workload, log


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
    if disturb_phase2:
        disturb_phase2()
    return harness.wait_for(of, expected_all, "phase 2")


def check(of, workload, expected, actual):
    problems = harness.compare(expected, actual, "outputs")
    problems += harness.status_chains(actual)
    problems += harness.stock_problems(of, workload, actual)
    log("checked %d output records against %d expected" % (len(actual), len(expected)))
    return problems


def scenario(work, orders, seed, engines_setup, **disturb):
    broker = Broker(work)
    of = None
    try:
        address = broker.start()
        of = Orderflow(BINARY, work, address)
        of.create_topics()
        workload = Workload(seed, orders)
        log("workload: %d input events" % workload.input_count())
        expected_phase1 = of.replay(workload.phase1())
        expected = of.replay(workload.replay_records())
        engines_setup(of)
        actual = settle(of, expected_phase1, expected, workload,
                        **{k: (lambda f=f: f(of, broker)) for k, f in disturb.items()})
        problems = check(of, workload, expected, actual)
        for instance in list(of.engines):
            if of.stop_engine(instance) != 0:
                problems.append("engine %s: SIGTERM did not end it cleanly" % instance)
        return problems
    finally:
        if of:
            of.stop_all()
        broker.stop()


def end_to_end(work):
    return scenario(work, orders=3000, seed=1, engines_setup=lambda of: of.start_engine("0"))


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

    return scenario(work, orders=15000, seed=3,
                    engines_setup=lambda of: of.start_engine("0"),
                    disturb_phase1=join_and_crash_broker, disturb_phase2=leave)


def aborts_rewind(work):
    """Every 2nd transaction is aborted by the engine itself (fault
    injection): each abort must roll back the shards' state and rewind the
    input, or outputs go missing or come twice."""
    os.environ["ORDERFLOW_FAULT_ABORT_EVERY"] = "2"
    try:
        problems = scenario(work, orders=5000, seed=4,
                            engines_setup=lambda of: of.start_engine("0"))
    finally:
        del os.environ["ORDERFLOW_FAULT_ABORT_EVERY"]
    log_text = open(os.path.join(work, "engine-0.log")).read() if os.path.exists(
        os.path.join(work, "engine-0.log")) else ""
    aborts = log_text.count("aborting this transaction on purpose")
    if aborts < 3:
        problems.append("only %d transactions were aborted" % aborts)
    return problems


if __name__ == "__main__":
    BINARY = sys.argv[1]
    harness.main([("end_to_end", end_to_end),
                  ("crash_restart", crash_restart),
                  ("broker_restart_scale_out", broker_restart_scale_out),
                  ("aborts_rewind", aborts_rewind)])
