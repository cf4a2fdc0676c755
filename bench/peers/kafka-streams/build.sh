#!/usr/bin/env bash
# Builds the Kafka Streams peer into one runnable jar and prints its path.
# Offline when the local Maven repository already holds what the build
# needs, otherwise through the configured Maven mirror.
#
#   bash bench/peers/kafka-streams/build.sh
#   java -jar "$(bash bench/peers/kafka-streams/build.sh)" --bootstrap ... --prefix ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/orderflow-streams-peer.jar"
log="$here/target/build.log"
mkdir -p "$here/target"
# Up to date: nothing it is built from is newer than the jar.
if [[ -f "$jar" ]] && [[ -z "$(find "$here/pom.xml" "$here/src" "$here/../../../proto" \
                               -newer "$jar" -type f | head -1)" ]]; then
  echo "$jar"
  exit 0
fi
if ! mvn -B -q -o -f "$here/pom.xml" package -DskipTests >"$log" 2>&1; then
  echo "build.sh: offline build failed; fetching through the Maven mirror" >&2
  if ! mvn -B -q -f "$here/pom.xml" package -DskipTests >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
fi
echo "$jar"
