#!/usr/bin/env bash
# Installs the dashboard's chart library (Chart.js, the version pinned in
# observe/dashboard/package-lock.json) from the npm registry into
# observe/dashboard/node_modules, where the build finds it and compiles it
# into the binary. Needs Node.js with npm (installs Debian's if there is
# none). Idempotent: does nothing when the pinned version is there.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../observe/dashboard" && pwd)"
cd "$dir"

pinned=$(sed -n '/"node_modules\/chart.js"/,/}/s/.*"version": "\([^"]*\)".*/\1/p' package-lock.json | head -1)
have=""
if [[ -f node_modules/chart.js/package.json ]]; then
  have=$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' node_modules/chart.js/package.json | head -1)
fi
if [[ -n "$pinned" && "$have" == "$pinned" ]]; then
  echo "setup: chart.js $have present" >&2
  exit 0
fi

if ! command -v npm >/dev/null; then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  echo "setup: installing npm" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
echo "setup: installing chart.js $pinned (npm ci)" >&2
# ci: exactly the lockfile, which it never rewrites; no install scripts.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
