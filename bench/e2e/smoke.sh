#!/usr/bin/env bash
# A smoke of the end-to-end bench (ctest bench.e2e_smoke): on a broker of
# its own, every system starts, completes every order of a small run and
# is measured; with Java and Maven, the Kafka Streams peer too. The
# numbers mean nothing at this size.
#
# Usage: bench/e2e/smoke.sh E2E_BENCH ORDERFLOW PASSTHROUGH
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
bench="$1" orderflow="$2" passthrough="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/orderflow-e2e-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
peer=()
if command -v java >/dev/null && command -v mvn >/dev/null; then
  peer=(--peer "$(bash "$root/bench/peers/kafka-streams/build.sh")")
else
  echo "smoke: no java or mvn: the Kafka Streams peer is left out" >&2
fi
export BENCH="$bench" ORDERFLOW="$orderflow" PASSTHROUGH="$passthrough" WORK="$work"
export PEER="${peer[*]:-}"
bash "$root/tests/integration/with_broker.sh" bash -c '
  set -euo pipefail
  # shellcheck disable=SC2086 # PEER is "--peer JAR" or empty
  "$BENCH" --bootstrap "$ORDERFLOW_TEST_BOOTSTRAP" --orderflow "$ORDERFLOW" \
      --passthrough "$PASSTHROUGH" $PEER --broker-logs "$ORDERFLOW_BROKER_DIR/data" \
      --orders 3000 --warmup 200 --seconds 3 --work "$WORK" | tee "$WORK/out.txt"
  grep -q "^orderflow run " "$WORK/out.txt"
  grep -q "^passthrough " "$WORK/out.txt"
  if [[ -n "$PEER" ]]; then grep -q "^Kafka Streams " "$WORK/out.txt"; fi
'
