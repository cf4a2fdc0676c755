#!/usr/bin/env bash
# Configures and builds orderflow into build/ (or $1), with at most two
# parallel jobs. Extra arguments go to CMake (-DORDERFLOW_SANITIZE=ON ...);
# those after `--` are the Ninja targets to build (all when none).
#
#   deploy/build.sh build-asan -DORDERFLOW_SANITIZE=ON -- tests/engine/orderflow_engine_test
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake_args=()
while (($# > 0)) && [[ $1 != -- ]]; do cmake_args+=("$1"); shift; done
shift || true  # the --
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_args[@]}" >/dev/null
ninja -C "$dir" -j2 "$@"
