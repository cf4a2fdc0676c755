#!/usr/bin/env bash
# Installs what the tests need beyond the build (deploy/setup-debian.sh):
# clang with libFuzzer (fuzz/), a JDK and Maven for the local Kafka broker
# (deploy/kafka/local-broker.sh), Python 3 with the Prometheus text parser
# and YAML, Chromium for the dashboard's browser test, and promtool and helm
# for the deploy tests (built once from the Go module proxy into a cache by
# deploy/tools/install-go-tool.sh; needs Go, see there).
# Idempotent: installs only what is missing. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/apt-install.sh

apt_install setup-tests \
  clang libclang-rt-14-dev \
  openjdk-17-jre-headless maven \
  python3 python3-prometheus-client python3-yaml \
  chromium
for tool in promtool helm; do
  bash deploy/tools/install-go-tool.sh "$tool" >/dev/null
done
