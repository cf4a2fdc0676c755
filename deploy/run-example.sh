#!/usr/bin/env bash
# The README's first command: sets up, builds, and replays the shipped
# example week (examples/first-week.jsonl) through the engine, showing the
# statuses, delivery tasks, escalations and dead letters that come out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-debian.sh
bash deploy/build.sh build >/dev/null
echo "== orderflow replay examples/first-week.jsonl" >&2
./build/cli/orderflow replay examples/first-week.jsonl
