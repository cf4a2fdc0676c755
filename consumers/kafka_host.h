// `orderflow run`: both engine stages hosted on Kafka, exactly once.
//
// One process runs one consumer group member per stage (order stage:
// orders, cancellations, shipments, invoices and allocation results, keyed
// by order id; inventory stage: inventory and allocation requests, keyed
// by SKU) and one transactional producer. Partition p of a stage's topics
// is shard p of its state. Per transaction it consumes input, applies it,
// and produces the outputs, the messages to the other stage, the changed
// state records (to the stage's compacted changelog) and the consumed
// offsets of both groups; then commits. A crash anywhere leaves either all
// of a transaction or none of it.
//
// Stage-to-stage messages: while one process holds every partition of both
// stages (one process, or the last one left), allocation requests and
// results go straight from one stage's shard to the other's inside the
// transaction, as in engine/pipeline: an order is received, allocated and
// handed to shipping in one transaction instead of three, and the two
// topics carry nothing. Direct hand-over starts only after the topics are
// drained (public inputs paused meanwhile, at most 30 s), so that nothing
// handed over overtakes a message still in a topic; as soon as another
// process holds any partition, messages go through the topics again.
//
// On assignment a shard is rebuilt from its changelog partition before it
// sees a record; on revocation the transaction in flight commits; when
// partitions are lost, or a transaction must be aborted, the transaction is
// aborted, every shard is rebuilt from its changelog and consumption
// rewinds to the committed offsets, so in-memory state never keeps what
// Kafka threw away. A fatal producer error rebuilds the producer, then does
// the same.
//
//   HostOptions options;
//   options.log = &std::cerr;
//   absl::StatusOr<std::unique_ptr<KafkaHost>> host =
//       KafkaHost::Create(config, board, timelines, options);
//   if (!host.ok()) { report host.status(); exit non-zero }
//   absl::Status done = (*host)->Run(stop_flag);
//
// Metrics: each order shard counts its ServiceMetrics; when a transaction
// commits the host adds them to the process totals, and when one aborts
// (or shards are rebuilt) what was counted since the last commit is
// dropped: the records are processed, and counted, again. About once a
// second, and when Run ends, the host publishes the totals, the backlog of
// the orders its shards hold (at the stages' clock: the wall clock, or the
// latest record time with `clock: event`) and its own counters to the
// MetricsBoard given to Create, if any. Counters start from zero with each
// process.
//
// The parts: the transaction loop (transaction_loop.h: begin, commit,
// abort, producer rebuild), the stage router (stage_router.h: in-process
// or through the topics, with no Kafka in it), the changelog restorer
// (changelog_restorer.h), the telemetry (host_telemetry.h: counted on
// commit, dropped on abort), the emitter (host_emitter.h: the engine's
// outputs as produced records) and the stages' groups and topics
// (host_stages.h). This file's implementation joins them to the
// consumers: polling, rebalancing and rewinding. Kafka and the clock
// are reached only through a KafkaEnv (kafka/kafka_env.h), which tests
// replace with a fake.
#ifndef ORDERFLOW_CONSUMERS_KAFKA_HOST_H_
#define ORDERFLOW_CONSUMERS_KAFKA_HOST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <ostream>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class KafkaEnv;
class MetricsBoard;
class OrderTimelines;

struct HostOptions {
  // Where the host's messages go (one line each, "run: ...").
  std::ostream* log = &std::cerr;
  // Kafka and the clocks; null: the broker of the configuration
  // (NewRdKafkaEnv). Not owned; must outlive the host.
  KafkaEnv* env = nullptr;
  // Fault injection (tests): abort every Nth transaction as if the broker
  // had refused it; 0: never.
  int64_t abort_every = 0;
  // If not null (and outliving the host), the host keeps here what it is
  // doing, in a few words ("committing a transaction", "closing the order
  // stage's consumer"), around each call into Kafka that can block: for
  // the message of a stop that takes too long (commands/stop_watchdog.h).
  // Always a literal, so that any thread may read it at any time.
  std::atomic<const char*>* doing = nullptr;
  // Told of each escalation open in the state of the order partitions the
  // host restores, as a RAISED record (OrderShard::ForEachOpenEscalation),
  // once the timelines know which partitions are held: what raised it
  // went out before this process had them (EscalationWorklist::
  // AddRestored). Null: nobody is told.
  std::function<void(const v1::Escalation&)> on_restored_escalation;
};

struct HostCounters {
  int64_t inputs = 0;        // records consumed and applied
  int64_t outputs = 0;       // public records produced
  int64_t internal = 0;      // stage-to-stage records produced
  int64_t local = 0;         // stage-to-stage messages handed over directly
  int64_t changelog = 0;     // state records produced
  int64_t commits = 0;
  // Microseconds the host waited for the broker in commits (offsets sent
  // and the commit itself), all commits together.
  int64_t commit_wait_us = 0;
  // Microseconds the host's loop waited for records, every stage idle.
  int64_t input_wait_us = 0;
  int64_t aborts = 0;
  int64_t producer_rebuilds = 0;
  // Stage consumers made again after their static member was fenced.
  int64_t consumer_rebuilds = 0;
  int64_t restored_records = 0;
};

class KafkaHost {
 public:
  // Checks the configuration, the broker and the topics, and initialises
  // transactions (fencing an earlier process with the same instance id).
  // Every failure is one line saying what to fix. `metrics`, if not null,
  // receives the metrics (see above) and must outlive the host; so must
  // `timelines`, which, if not null, is given every input and output of
  // the order stage once its transaction has committed (order
  // investigation: GET /api/orders/<id>, `orderflow inspect`).
  static absl::StatusOr<std::unique_ptr<KafkaHost>> Create(
      const Config& config, MetricsBoard* metrics = nullptr,
      OrderTimelines* timelines = nullptr, HostOptions options = {});
  virtual ~KafkaHost() = default;

  // Runs until `stop` becomes true, then commits the transaction in flight
  // and leaves the groups. Returns an error only when it cannot go on.
  virtual absl::Status Run(const std::atomic<bool>& stop) = 0;
  virtual HostCounters counters() const = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_KAFKA_HOST_H_
