#!/usr/bin/env bash
# with_broker.sh — runs a command against a Kafka broker of its own.
#
# Usage: tests/integration/with_broker.sh COMMAND [ARG...]
#
# Starts a single-node broker (deploy/kafka/local-broker.sh) in a temporary
# ORDERFLOW_BROKER_DIR on free ports, runs COMMAND with its address in
# ORDERFLOW_TEST_BOOTSTRAP, stops the broker by the script (which stops it
# by its pid) whatever happens, and exits with COMMAND's status.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BROKER="$ROOT/deploy/kafka/local-broker.sh"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/orderflow-with-broker.XXXXXX")"
export ORDERFLOW_BROKER_DIR="$WORK/broker"

cleanup() {
    "$BROKER" stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! ADDRESS="$("$BROKER" start 2>"$WORK/start.log" | tail -1)" || [ -z "$ADDRESS" ]; then
    echo "with_broker: the broker did not start:" >&2
    cat "$WORK/start.log" >&2
    exit 1
fi
echo "with_broker: broker at $ADDRESS" >&2
ORDERFLOW_TEST_BOOTSTRAP="$ADDRESS" "$@"
