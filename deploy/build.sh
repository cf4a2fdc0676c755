#!/usr/bin/env bash
# Configures and builds orderflow into build/ (or $1), with at most two
# parallel jobs. Extra arguments go to CMake (-DORDERFLOW_SANITIZE=ON ...).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
ninja -C "$dir" -j2
