#!/usr/bin/env bash
# Installs what the tests need beyond the build (deploy/setup-debian.sh):
# clang with libFuzzer (fuzz/), a JDK and Maven for the local Kafka broker
# (deploy/kafka/local-broker.sh), Python 3 with the Prometheus text parser
# and YAML, and Chromium for the dashboard's browser test. The Go tools of
# the deploy and alert tests (promtool, helm, Alertmanager:
# deploy/tools/go-tools.txt) are built by deploy/tools/install-go-tool.sh,
# once, into a cache: tests/run-all.sh builds them in the background while
# the rest runs, and a test that needs one builds it when it is missing.
# Idempotent: installs only what is missing. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/apt-install.sh

apt_install setup-tests \
  clang libclang-rt-14-dev \
  openjdk-17-jre-headless maven \
  python3 python3-prometheus-client python3-yaml \
  chromium
