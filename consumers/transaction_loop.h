// The Kafka host's transactions: one transactional producer, one
// transaction open at a time, begun by the first record or timer that
// needs it and committed with the consumed offsets of both stage groups.
//
//   Begin      (Ensure) when something is to be produced and none is open;
//   Commit     sends the offsets and commits; an abortable error aborts
//              (Aborted returned), any other rebuilds the producer (the
//              transaction is then gone too; Aborted returned). Either
//              way the caller must rewind: shards rebuilt from their
//              changelogs, consumers back at the committed offsets;
//   Abort      aborts; a failing abort rebuilds the producer.
//
// Retriable errors are tried again, up to 50 times 100 ms apart. An error
// status from any of these means the host cannot go on (no producer could
// be made). Once the stop flag given to StopRetryingWhen is set (SIGTERM),
// nothing is tried again and a failing abort does not make a new producer:
// the process is ending, and what it did not commit is processed again by
// whoever takes over (a commit retried through a broker outage could
// otherwise keep a stopping process for many minutes). What the open transaction counted is kept (HostTelemetry::
// OnCommitted) or dropped (DropUncommitted) here, as it ends.
//
// Fault injection (tests): with `abort_every` N > 0, every Nth commit is
// aborted as if the broker had refused it.
#ifndef ORDERFLOW_CONSUMERS_TRANSACTION_LOOP_H_
#define ORDERFLOW_CONSUMERS_TRANSACTION_LOOP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "consumers/host_telemetry.h"
#include "kafka/kafka_env.h"

namespace orderflow {

class TransactionLoop {
 public:
  using Clock = KafkaEnv::Clock;
  enum class Ended { kCommitted, kAborted };

  // What one stage group consumed in the open transaction.
  struct GroupOffsets {
    StageConsumer* consumer;
    std::vector<TopicPartitionOffset> offsets;  // the next to read
  };

  struct Options {
    std::string transactional_id;
    std::string bootstrap_servers;  // for messages
    std::vector<std::string> topics;  // every topic the producer writes
    int64_t abort_every = 0;
  };

  // `env`, `telemetry` and `log` must outlive the loop.
  TransactionLoop(KafkaEnv& env, Options options, HostTelemetry& telemetry,
                  std::ostream& log);

  // Makes the producer and initialises transactions (fencing an earlier
  // process with the same transactional id).
  absl::Status Start() { return MakeProducer(); }

  bool in_transaction() const { return in_transaction_; }
  // The open transaction has produced to a stage-to-stage topic.
  bool internal_in_transaction() const { return internal_in_transaction_; }
  void MarkInternal() { internal_in_transaction_ = true; }
  // When the last commit began: the next begins `commit_interval` later
  // at the earliest, so a record waits at most one interval (plus the
  // commit itself), also one that came while the last commit ran, and an
  // idle host commits the first record that comes at once.
  Clock::time_point last_commit_started() const { return last_commit_started_; }

  // Begins a transaction unless one is open.
  absl::Status Ensure() {
    if (in_transaction_) return absl::OkStatus();
    return Begin();
  }
  // Copies `value` (nullopt: a tombstone) into the open transaction; a
  // failure is logged and makes the commit abort.
  void Produce(const std::string& topic, int32_t partition,
               std::string_view key, std::optional<std::string_view> value) {
    absl::Status s = producer_->Produce(topic, partition, key, value);
    if (!s.ok()) ProduceFailed(topic, s);
  }

  // Commits the open transaction (if any) after `write_state` has put the
  // changed state into it, with `offsets` (not read on the paths that
  // abort before sending them).
  absl::StatusOr<Ended> Commit(
      absl::FunctionRef<void()> write_state,
      absl::FunctionRef<std::vector<GroupOffsets>()> offsets);
  absl::Status Abort();
  // Whether the last transaction that ended aborted was refused a record
  // it produced (kafka_errors.h, IsRefused): the same records would be
  // refused again.
  bool refused() const { return refused_; }
  // From now on, `stop` (which must outlive the loop) ends retries once
  // set; see above.
  void StopRetryingWhen(const std::atomic<bool>* stop) { stop_ = stop; }
  // Serves the producer's delivery reports.
  void Poll() { producer_->Poll(); }

 private:
  absl::Status MakeProducer();
  absl::Status Begin();
  void ProduceFailed(const std::string& topic, const absl::Status& s);
  // Calls `op` again while it fails with a retriable error, up to a bound.
  template <typename Op>
  absl::Status WithRetries(Op op);
  // A new producer after a fatal error; the open transaction is gone.
  absl::Status RebuildProducer();

  KafkaEnv& env_;
  const Options options_;
  HostTelemetry& telemetry_;
  std::ostream& log_;
  std::unique_ptr<TransactionalProducer> producer_;
  bool in_transaction_ = false;
  bool internal_in_transaction_ = false;
  bool produce_failed_ = false;
  bool refused_ = false;
  const std::atomic<bool>* stop_ = nullptr;
  bool stopping() const { return stop_ != nullptr && stop_->load(); }
  Clock::time_point last_commit_started_{};
  int64_t commit_attempts_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_TRANSACTION_LOOP_H_
