#!/usr/bin/env bash
# broker_smoke.sh — smoke test of deploy/kafka/local-broker.sh against librdkafka.
#
# Usage: tests/integration/broker_smoke.sh
#
# Starts a real Kafka broker in a temporary ORDERFLOW_BROKER_DIR, then a tiny
# C program (built here against the system librdkafka) checks that:
#   1. a topic can be created through the admin API;
#   2. a transactional producer works: init, an aborted transaction (record
#      flushed to the broker first), then a committed one;
#   3. a read_committed consumer in a consumer group reads the committed record
#      and never the aborted one, and can commit its offset;
# then the broker is stopped with --keep-data and started again, which must
# give the same address, and a new read_committed consumer must read the
# committed record again (data kept across the restart).
# The broker is stopped by a trap on exit, whatever happens.
#
# Output: progress on stderr; the last stdout line is exactly
# "1 passed, 0 failed" (exit 0) or "0 passed, 1 failed" (exit 1).
# Needs: java 17 and mvn (first run fetches Kafka's jars, see local-broker.sh),
# a C compiler and librdkafka-dev.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BROKER="$ROOT/deploy/kafka/local-broker.sh"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/orderflow-broker-smoke.XXXXXX")"
export ORDERFLOW_BROKER_DIR="$WORK/broker"
# Ports are picked by the broker script unless the caller set them.

log() { echo "broker_smoke: $*" >&2; }

cleanup() {
    "$BROKER" stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$WORK/smoke.c" <<'EOF'
/* Minimal librdkafka check: admin create topic, transactions, read_committed.
 *   smoke BOOTSTRAP TOPIC all      create topic, abort + commit, consume, commit offset
 *   smoke BOOTSTRAP TOPIC consume  consume only (new group), expect the committed record
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *bootstrap, *topic;
static char errstr[512];

#define FAIL(...) do { fprintf(stderr, "smoke: FAIL: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)

static rd_kafka_conf_t *conf_with(const char **kv) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr))
        FAIL("%s", errstr);
    for (; kv && kv[0]; kv += 2)
        if (rd_kafka_conf_set(conf, kv[0], kv[1], errstr, sizeof errstr))
            FAIL("%s=%s: %s", kv[0], kv[1], errstr);
    return conf;
}

static void check_error(rd_kafka_error_t *err, const char *what) {
    if (err) {
        fprintf(stderr, "smoke: FAIL: %s: %s (retriable=%d abortable=%d fatal=%d)\n", what,
                rd_kafka_error_string(err), rd_kafka_error_is_retriable(err),
                rd_kafka_error_txn_requires_abort(err), rd_kafka_error_is_fatal(err));
        exit(1);
    }
    fprintf(stderr, "smoke: %s ok\n", what);
}

static void create_topic(void) {
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf_with(NULL), errstr, sizeof errstr);
    if (!rk) FAIL("admin client: %s", errstr);
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, 1, errstr, sizeof errstr);
    if (!nt) FAIL("NewTopic: %s", errstr);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opts, 20000, errstr, sizeof errstr);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    if (!ev) FAIL("CreateTopics: no result in 30 s");
    if (rd_kafka_event_error(ev)) FAIL("CreateTopics: %s", rd_kafka_event_error_string(ev));
    size_t n;
    const rd_kafka_topic_result_t **res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    if (n != 1) FAIL("CreateTopics: %zu results", n);
    if (rd_kafka_topic_result_error(res[0]))
        FAIL("CreateTopics %s: %s", topic, rd_kafka_topic_result_error_string(res[0]));
    fprintf(stderr, "smoke: create topic %s ok\n", topic);
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_destroy(rk);
}

static void produce(rd_kafka_t *rk, const char *value) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE((void *)value, strlen(value)),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) FAIL("produce: %s", rd_kafka_err2str(err));
}

static void transactions(void) {
    const char *kv[] = {"transactional.id", "orderflow-broker-smoke",
                        "transaction.timeout.ms", "60000", "message.timeout.ms", "30000", NULL};
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf_with(kv), errstr, sizeof errstr);
    if (!rk) FAIL("producer: %s", errstr);
    check_error(rd_kafka_init_transactions(rk, 30000), "init_transactions");

    check_error(rd_kafka_begin_transaction(rk), "begin_transaction (to abort)");
    produce(rk, "aborted-record");
    if (rd_kafka_flush(rk, 30000)) FAIL("flush before abort timed out");
    check_error(rd_kafka_abort_transaction(rk, -1), "abort_transaction");

    check_error(rd_kafka_begin_transaction(rk), "begin_transaction (to commit)");
    produce(rk, "committed-record");
    check_error(rd_kafka_commit_transaction(rk, -1), "commit_transaction");
    rd_kafka_destroy(rk);
}

/* Reads until the committed record shows up; the aborted one must never. */
static void consume(const char *group, int commit) {
    const char *kv[] = {"group.id", group, "isolation.level", "read_committed",
                        "auto.offset.reset", "earliest", "enable.auto.commit", "false", NULL};
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf_with(kv), errstr, sizeof errstr);
    if (!rk) FAIL("consumer: %s", errstr);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subs);
    if (err) FAIL("subscribe: %s", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(subs);

    int got = 0;
    time_t deadline = time(NULL) + 45;
    while (!got && time(NULL) < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
        if (!m) continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                fprintf(stderr, "smoke: consumer: %s\n", rd_kafka_message_errstr(m));
        } else {
            fprintf(stderr, "smoke: read offset %lld: %.*s\n", (long long)m->offset,
                    (int)m->len, (const char *)m->payload);
            if (m->len == strlen("aborted-record") && !memcmp(m->payload, "aborted-record", m->len))
                FAIL("read_committed consumer saw the aborted record");
            if (m->len == strlen("committed-record") && !memcmp(m->payload, "committed-record", m->len))
                got = 1;
        }
        rd_kafka_message_destroy(m);
    }
    if (!got) FAIL("committed record not read within 45 s (group %s)", group);
    fprintf(stderr, "smoke: read_committed consume (group %s) ok\n", group);
    if (commit) {
        err = rd_kafka_commit(rk, NULL, 0);
        if (err) FAIL("commit offsets: %s", rd_kafka_err2str(err));
        fprintf(stderr, "smoke: consumer group offset commit ok\n");
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

int main(int argc, char **argv) {
    if (argc != 4) FAIL("usage: smoke BOOTSTRAP TOPIC all|consume");
    bootstrap = argv[1];
    topic = argv[2];
    fprintf(stderr, "smoke: librdkafka %s, broker %s\n", rd_kafka_version_str(), bootstrap);
    char group[128];
    snprintf(group, sizeof group, "smoke-%s-%ld", argv[3], (long)getpid());
    if (!strcmp(argv[3], "all")) {
        create_topic();
        transactions();
        consume(group, 1);
    } else if (!strcmp(argv[3], "consume")) {
        consume(group, 0);
    } else {
        FAIL("unknown mode %s", argv[3]);
    }
    return 0;
}
EOF

# One test: every step must pass. Returns non-zero at the first failure.
smoke() {
    local addr addr2
    log "building the librdkafka check"
    ${CC:-cc} -O1 -Wall -o "$WORK/smoke" "$WORK/smoke.c" -lrdkafka ||
        { log "cannot build against librdkafka (is librdkafka-dev installed?)"; return 1; }

    log "starting the broker"
    addr="$("$BROKER" start | tail -n1)" || { log "broker did not start"; return 1; }
    [[ "$addr" == 127.0.0.1:* ]] || { log "unexpected address '$addr'"; return 1; }
    "$BROKER" status >&2 || { log "status says not running"; return 1; }

    "$WORK/smoke" "$addr" orderflow-smoke all || return 1

    log "restarting the broker with its data kept"
    "$BROKER" stop --keep-data >&2 || return 1
    if "$BROKER" status >/dev/null 2>&1; then log "status still says running after stop"; return 1; fi
    addr2="$("$BROKER" start | tail -n1)" || { log "broker did not restart"; return 1; }
    [[ "$addr2" == "$addr" ]] || { log "address changed across restart: $addr -> $addr2"; return 1; }
    "$WORK/smoke" "$addr2" orderflow-smoke consume || return 1
}

if smoke; then
    echo "1 passed, 0 failed"
    exit 0
fi
if [[ -f "$ORDERFLOW_BROKER_DIR/broker.log" ]]; then
    log "last lines of the broker log:"
    tail -n 30 "$ORDERFLOW_BROKER_DIR/broker.log" >&2
fi
echo "0 passed, 1 failed"
exit 1
