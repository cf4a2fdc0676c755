#!/usr/bin/env bash
# Installs every Debian 12 package orderflow needs to build, test and run
# (compilers, clang with libFuzzer for fuzz/, C++ libraries, Java + Maven
# for the local Kafka broker, Chromium and Python's Prometheus parser for
# the dashboard's tests), then the dashboard's chart library
# (setup-dashboard.sh).
# Idempotent: installs only what is missing. Needs root or sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev
  protobuf-compiler libprotobuf-dev
  librdkafka-dev
  libssl-dev
  libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libjemalloc-dev
  openjdk-17-jre-headless maven
  python3 python3-prometheus-client chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present" >&2
else
  echo "setup: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
bash "$(dirname "$0")/setup-dashboard.sh"
