#!/usr/bin/env bash
# The README's first command: sets up, builds, and runs `orderflow demo`:
# a simulated week of a web shop through the engine on an embedded Kafka,
# with live progress and the service metrics at the end. Extra arguments go
# to the demo (--seconds 30, --days 3, --seed 7, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-debian.sh
echo "== building (first time: a few minutes)" >&2
bash deploy/build.sh build >/dev/null
exec ./build/cli/orderflow demo "$@"
