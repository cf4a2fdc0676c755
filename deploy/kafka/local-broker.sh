#!/usr/bin/env bash
# local-broker.sh — a real single-node Apache Kafka broker (KRaft) on loopback,
# for tests and for people. No Docker, no download site: the broker's jars come
# through Maven (deploy/kafka/pom.xml) into a cache outside the repo.
#
# Usage:
#   local-broker.sh start              start (or reuse) the broker; the last line
#                                      on stdout is the bootstrap address 127.0.0.1:PORT
#   local-broker.sh stop [--keep-data] stop it by its recorded pid (TERM, ~20 s, KILL);
#                                      removes data and ports unless --keep-data
#   local-broker.sh status             "running 127.0.0.1:PORT pid=N dir=D" (exit 0)
#                                      or "not running" (exit 1)
#   local-broker.sh sasl-address       the SASL_PLAINTEXT listener, 127.0.0.1:PORT: for
#                                      authentication tests (mechanism PLAIN, the one
#                                      user "orderflow", password "orderflow-test")
#   local-broker.sh proxied-address    the PROXIED listener, 127.0.0.1:PORT (used only with
#                                      ORDERFLOW_KAFKA_PROXY_PORT): where a proxy forwards to
#
# Contract:
#   - Listens on 127.0.0.1 only. Ports are free ones picked at first start,
#     unless ORDERFLOW_KAFKA_PORT / ORDERFLOW_KAFKA_CONTROLLER_PORT say otherwise.
#   - `start` when already running prints the address and exits 0.
#   - `stop --keep-data` then `start` brings the same broker back: same data
#     (topics, committed offsets, transactions) and the same ports.
#   - auto.create.topics.enable=false: create topics explicitly (admin API).
#   - Only the process this script started (its pid file) is ever signalled.
#   - Progress and errors go to stderr; exit non-zero on failure, with the
#     broker log's tail when the broker failed to come up.
#
# Environment:
#   ORDERFLOW_BROKER_DIR          state dir: config, data, broker.log, pid, ports
#                                 (default /tmp/orderflow-broker-$USER)
#   ORDERFLOW_KAFKA_VERSION       Kafka version to fetch (default 4.1.2; 4.x only)
#   ORDERFLOW_KAFKA_LOG4J_VERSION log4j2 version pinned for log4j-api/-core and the
#                                 slf4j binding (default 2.25.3, Kafka 4.1.2's own)
#   ORDERFLOW_KAFKA_HOME          jar cache (default ~/.cache/orderflow/kafka-<version>);
#                                 jars go in <home>/libs, fetched once
#   ORDERFLOW_KAFKA_PORT          broker (PLAINTEXT) port   (default: a free one)
#   ORDERFLOW_KAFKA_CONTROLLER_PORT  controller port        (default: a free one)
#   ORDERFLOW_KAFKA_SASL_PORT     SASL_PLAINTEXT port       (default: a free one)
#   ORDERFLOW_KAFKA_PROXY_PORT    a proxy's port on 127.0.0.1 (default: none). When set,
#                                 the broker also listens on the PROXIED port (see
#                                 proxied-address) and advertises this port for it:
#                                 clients that bootstrap through the proxy keep going
#                                 through it, the others reach the broker directly
#   ORDERFLOW_KAFKA_START_TIMEOUT seconds to wait for readiness (default 90)
#   ORDERFLOW_KAFKA_HEAP          java -Xmx value (default 512m)
#   JAVA, MVN                     the java / mvn commands (default: from PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

KAFKA_VERSION="${ORDERFLOW_KAFKA_VERSION:-4.1.2}"
LOG4J_VERSION="${ORDERFLOW_KAFKA_LOG4J_VERSION:-2.25.3}"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/orderflow"
KAFKA_HOME_DIR="${ORDERFLOW_KAFKA_HOME:-$CACHE_ROOT/kafka-$KAFKA_VERSION}"
LIBS="$KAFKA_HOME_DIR/libs"
STATE="${ORDERFLOW_BROKER_DIR:-/tmp/orderflow-broker-${USER:-$(id -un)}}"
START_TIMEOUT="${ORDERFLOW_KAFKA_START_TIMEOUT:-90}"
HEAP="${ORDERFLOW_KAFKA_HEAP:-512m}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"

DATA="$STATE/data"
CONF="$STATE/server.properties"
LOG4J_CONF="$STATE/log4j2.properties"
LOG="$STATE/broker.log"
PID_FILE="$STATE/broker.pid"
PORT_FILE="$STATE/port"
CPORT_FILE="$STATE/controller.port"
SPORT_FILE="$STATE/sasl.port"
PPORT_FILE="$STATE/proxied.port"

say() { echo "local-broker: $*" >&2; }
die() { say "error: $*"; exit 1; }

need() {  # need CMD WHAT: fail clearly when a tool is missing
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH; $2"
}

# --- pid bookkeeping: only ever the process we started ---------------------

# Prints the recorded pid if that process is alive and is our broker.
our_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid cmd
    pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmd" == *kafka.Kafka*"$CONF"* ]] || return 1
    echo "$pid"
}

address() { echo "127.0.0.1:$(cat "$PORT_FILE")"; }

# --- jars --------------------------------------------------------------------

fetch_jars() {  # fetch_jars DIR LOG4J_VERSION; Maven's output is shown only on failure
    if ! "$MVN" -B -q -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$1" \
        -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$2" >"$1.mvn.log" 2>&1; then
        cat "$1.mvn.log" >&2
        rm -f "$1.mvn.log"
        return 1
    fi
    rm -f "$1.mvn.log"
}

ensure_jars() {
    [[ -f "$LIBS/.complete" ]] && return 0
    need "$MVN" "install Maven (apt-get install maven) to fetch Kafka's jars"
    mkdir -p "$KAFKA_HOME_DIR"
    local tmp t0
    tmp="$(mktemp -d "$KAFKA_HOME_DIR/libs.tmp.XXXXXX")"
    t0=$SECONDS
    say "fetching Kafka $KAFKA_VERSION jars through Maven into $LIBS (once)..."
    fetch_jars "$tmp" "$LOG4J_VERSION" || { rm -rf "$tmp"; die "Maven could not fetch Kafka $KAFKA_VERSION"; }
    ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no kafka_2.13 jar after the Maven run"; }
    touch "$tmp/.complete"
    # Atomic publish; if a parallel run got there first, keep theirs.
    [[ -d "$LIBS" && ! -f "$LIBS/.complete" ]] && rm -rf "$LIBS"  # left half-made by hand
    if ! mv -T "$tmp" "$LIBS" 2>/dev/null; then rm -rf "$tmp"; fi
    [[ -f "$LIBS/.complete" ]] || die "could not set up $LIBS"
    say "jars ready in $((SECONDS - t0)) s"
}

# --- ports -------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints four distinct free loopback ports.
free_ports() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
    else  # fallback: random high ports that nobody answers on
        local ports=() p
        while (( ${#ports[@]} < 4 )); do
            p=$((20000 + RANDOM % 40000))
            [[ " ${ports[*]} " == *" $p "* ]] || port_in_use "$p" || ports+=("$p")
        done
        echo "${ports[*]}"
    fi
}

choose_ports() {
    local port cport sport pport
    if [[ -f "$DATA/meta.properties" && -f "$PORT_FILE" && -f "$CPORT_FILE" && -f "$SPORT_FILE" ]]; then
        # Formatted data records the controller's endpoint: keep the ports.
        port="$(cat "$PORT_FILE")"; cport="$(cat "$CPORT_FILE")"; sport="$(cat "$SPORT_FILE")"
        pport="$(cat "$PPORT_FILE" 2>/dev/null || true)"
        [[ -n "$pport" ]] || read -r pport _ < <(free_ports)  # state from before PROXIED
        if [[ -n "${ORDERFLOW_KAFKA_PORT:-}" && "$ORDERFLOW_KAFKA_PORT" != "$port" ]] ||
           [[ -n "${ORDERFLOW_KAFKA_CONTROLLER_PORT:-}" && "$ORDERFLOW_KAFKA_CONTROLLER_PORT" != "$cport" ]]; then
            die "$STATE holds a broker formatted for ports $port/$cport; run 'stop' (without --keep-data) to change ports"
        fi
    else
        read -r port cport sport pport < <(free_ports)
        port="${ORDERFLOW_KAFKA_PORT:-$port}"
        cport="${ORDERFLOW_KAFKA_CONTROLLER_PORT:-$cport}"
        sport="${ORDERFLOW_KAFKA_SASL_PORT:-$sport}"
        [[ "$port" != "$cport" ]] || die "broker and controller ports are both $port"
        [[ "$sport" != "$port" && "$sport" != "$cport" ]] || die "SASL port $sport is taken by the broker or controller"
    fi
    local p i
    for p in "$port" "$cport" "$sport" "$pport"; do
        [[ "$p" =~ ^[0-9]+$ ]] || die "bad port '$p'"
        # A broker killed a moment ago may still hold its ports: allow 5 s.
        for ((i = 0; i < 10; i++)); do port_in_use "$p" || continue 2; sleep 0.5; done
        die "port $p on 127.0.0.1 is already in use"
    done
    echo "$port" >"$PORT_FILE"
    echo "$cport" >"$CPORT_FILE"
    echo "$sport" >"$SPORT_FILE"
    echo "$pport" >"$PPORT_FILE"
}

# --- config ------------------------------------------------------------------

write_config() {
    local port cport sport pport listeners advertised protocols
    port="$(cat "$PORT_FILE")"; cport="$(cat "$CPORT_FILE")"; sport="$(cat "$SPORT_FILE")"
    pport="$(cat "$PPORT_FILE")"
    listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport,SASL_PLAINTEXT://127.0.0.1:$sport"
    advertised="PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sport"
    protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
    if [[ -n "${ORDERFLOW_KAFKA_PROXY_PORT:-}" ]]; then
        [[ "$ORDERFLOW_KAFKA_PROXY_PORT" =~ ^[0-9]+$ ]] || die "bad proxy port '$ORDERFLOW_KAFKA_PROXY_PORT'"
        listeners+=",PROXIED://127.0.0.1:$pport"
        advertised+=",PROXIED://127.0.0.1:$ORDERFLOW_KAFKA_PROXY_PORT"
        protocols+=",PROXIED:PLAINTEXT"
    fi
    cat >"$CONF" <<EOF
# Written by deploy/kafka/local-broker.sh: single-node KRaft test broker, loopback only.
process.roles=broker,controller
node.id=1
listeners=$listeners
advertised.listeners=$advertised
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols
# A SASL listener with one test user, so that a refused login can be tested.
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_orderflow="orderflow-test";
controller.quorum.bootstrap.servers=127.0.0.1:$cport
log.dirs=$DATA

# One node: every internal topic has one replica, or groups and transactions
# never get a coordinator.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=1

# Tests: no join delay; topics are created explicitly.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# After a KILL, the restarted node is refused ("DuplicateBrokerRegistration")
# until the old registration's session expires: 5 s here instead of 9 s.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
EOF
    cat >"$LOG4J_CONF" <<'EOF'
# Written by deploy/kafka/local-broker.sh: everything to stdout (broker.log).
status = warn
name = orderflow-local-kafka
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

java_cmd() {  # sets JAVA_CMD: java with heap, logging config and classpath
    JAVA_CMD=("$JAVA" -Xmx"$HEAP" -Djava.awt.headless=true
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$STATE/logs"
        -cp "$LIBS/*")
}

run_java() {  # run_java MAINCLASS ARGS...
    java_cmd
    "${JAVA_CMD[@]}" "$@"
}

format_storage() {
    [[ -f "$DATA/meta.properties" ]] && return 0
    local cluster_id
    cluster_id="$(run_java kafka.tools.StorageTool random-uuid 2>>"$LOG" | tail -n1)"
    [[ -n "$cluster_id" ]] || die "StorageTool random-uuid gave nothing; see $LOG"
    say "formatting $DATA (cluster $cluster_id)"
    run_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" --standalone >>"$LOG" 2>&1 \
        || { tail -n 30 "$LOG" >&2; die "formatting the storage failed"; }
}

# --- commands ----------------------------------------------------------------

cmd_start() {
    local pid
    if pid="$(our_pid)"; then
        say "already running (pid $pid)"
        address
        return 0
    fi
    rm -f "$PID_FILE"
    [[ "$KAFKA_VERSION" == 4.* ]] || die "ORDERFLOW_KAFKA_VERSION=$KAFKA_VERSION: only Kafka 4.x is supported"
    need "$JAVA" "install OpenJDK 17 (apt-get install openjdk-17-jre-headless)"
    ensure_jars
    mkdir -p "$STATE" "$STATE/logs"
    choose_ports
    write_config
    # broker.log is kept across restarts; readiness is read from this run's part.
    echo "=== local-broker.sh start $(date '+%F %T') ===" >>"$LOG"
    local log_from t0=$SECONDS port
    log_from=$(( $(wc -c <"$LOG") + 1 ))
    format_storage

    port="$(cat "$PORT_FILE")"
    # A plain command in the background, so $! is java's own pid.
    java_cmd
    "${JAVA_CMD[@]}" kafka.Kafka "$CONF" </dev/null >>"$LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"
    say "started pid $pid, waiting up to ${START_TIMEOUT}s (log: $LOG)"
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            say "broker exited during startup; last lines of $LOG:"
            tail -n 40 "$LOG" >&2
            exit 1
        fi
        if tail -c +"$log_from" "$LOG" | grep 'Kafka Server started' >/dev/null || port_in_use "$port"; then
            break
        fi
        if (( SECONDS - t0 >= START_TIMEOUT )); then
            say "broker not ready after ${START_TIMEOUT}s; last lines of $LOG:"
            tail -n 40 "$LOG" >&2
            cmd_stop --keep-data >/dev/null 2>&1 || true
            exit 1
        fi
        sleep 0.5
    done
    say "ready in $((SECONDS - t0)) s"
    address
}

cmd_stop() {
    local keep=0 pid
    case "${1:-}" in
        "") ;;
        --keep-data) keep=1 ;;
        *) die "stop: unknown option '$1' (only --keep-data)" ;;
    esac
    if pid="$(our_pid)"; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 40; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "pid $pid still alive after 20 s, sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        fi
        say "stopped pid $pid"
    else
        say "not running"
    fi
    rm -f "$PID_FILE"
    if (( ! keep )); then
        rm -rf "$DATA" "$PORT_FILE" "$CPORT_FILE" "$SPORT_FILE" "$PPORT_FILE"
    fi
}

cmd_status() {
    local pid
    if pid="$(our_pid)"; then
        echo "running $(address) pid=$pid dir=$STATE"
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start)  cmd_start ;;
    stop)   shift; cmd_stop "$@" ;;
    status) cmd_status ;;
    sasl-address) echo "127.0.0.1:$(cat "$SPORT_FILE")" ;;
    proxied-address) echo "127.0.0.1:$(cat "$PPORT_FILE")" ;;
    *)      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
