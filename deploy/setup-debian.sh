#!/usr/bin/env bash
# Installs the Debian 12 packages orderflow needs to build and run
# (compilers, CMake and Ninja, the C++ libraries, GoogleTest and Google
# Benchmark, which the build compiles too), then the dashboard's chart
# library (setup-dashboard.sh, with Node.js and npm if missing). This is
# what `bash deploy/run-demo.sh` installs; the tests' own packages (a JDK
# and Maven for the local broker, Chromium, clang for fuzzing, Python's
# parsers, the Go tools) come with tests/run-all.sh (tests/setup-tests.sh).
# Idempotent: installs only what is missing. Needs root or sudo.
set -euo pipefail
source "$(dirname "$0")/apt-install.sh"

apt_install setup \
  build-essential cmake ninja-build pkg-config \
  protobuf-compiler libprotobuf-dev \
  librdkafka-dev \
  libssl-dev \
  libabsl-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev \
  libjemalloc-dev
bash "$(dirname "$0")/setup-dashboard.sh"
