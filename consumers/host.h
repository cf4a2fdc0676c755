// The Kafka host's class, shared by its two source files: kafka_host.cc
// (start-up, rebalance events, rewind) and host_loop.cc (the poll loop,
// records, commits). Internal to consumers/; the contract is kafka_host.h.
#ifndef ORDERFLOW_CONSUMERS_HOST_H_
#define ORDERFLOW_CONSUMERS_HOST_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <vector>

#include "consumers/changelog_restorer.h"
#include "consumers/committed_offsets.h"
#include "consumers/host_emitter.h"
#include "consumers/host_stages.h"
#include "consumers/host_telemetry.h"
#include "consumers/kafka_host.h"
#include "consumers/poison_records.h"
#include "consumers/stage_router.h"
#include "consumers/transaction_loop.h"
#include "engine/text.h"
#include "kafka/kafka_env.h"
#include "kafka/topic_names.h"

namespace orderflow {
namespace host_internal {

using Clock = KafkaEnv::Clock;

constexpr int kMaxBatch = 5000;  // records per stage per poll round

// A stage consumer fenced more often than this within kFencingWindow is
// taken for another process with the same instance_id, and the host
// stops (see Host::OnFenced). A broker restart fences a member at most
// about once; two live processes fence each other every few seconds.
constexpr int kMaxFencings = 4;
constexpr std::chrono::minutes kFencingWindow{2};

inline int64_t MicrosBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

class Host : public KafkaHost, public ConsumerEvents {
 public:
  Host(const Config& config, MetricsBoard* board, OrderTimelines* timelines,
       std::ostream& log, KafkaEnv& env, int64_t abort_every,
       std::atomic<const char*>* doing)
      : config_(config),
        log_(log),
        env_(env),
        telemetry_(board, timelines, config.kafka.event_time, env.WallMillis(),
                   env.Now(), log),
        router_(KafkaTopic(config.kafka.topic_prefix,
                           InternalTopic::kAllocationRequests),
                 config.engine.inventory_partitions,
                 KafkaTopic(config.kafka.topic_prefix,
                            InternalTopic::kAllocationResults),
                 config.engine.order_partitions, log),
        transactions_(env,
                      {Cat(config.kafka.group_prefix, ".", config.kafka.instance_id),
                       config.kafka.bootstrap_servers, ProducedTopics(config),
                       abort_every},
                      telemetry_, log),
        emitter_(config.engine, OutputTopics(config), transactions_, router_,
                 telemetry_),
        doing_(doing != nullptr ? *doing : own_doing_) {}

  // Owns the env it was given (a real broker's).
  void Own(std::unique_ptr<KafkaEnv> env) { owned_env_ = std::move(env); }
  // HostOptions::on_restored_escalation.
  void OnRestoredEscalation(std::function<void(const v1::Escalation&)> f) {
    on_restored_escalation_ = std::move(f);
  }

  absl::Status Start();
  absl::Status Run(const std::atomic<bool>& stop) override;
  HostCounters counters() const override { return telemetry_.counters(); }

  // ConsumerEvents of both stage consumers.
  void OnAssigned(StageConsumer& consumer,
                  const std::vector<TopicPartitionOffset>& partitions) override;
  void OnRevoked(StageConsumer& consumer, bool lost) override;

 private:
  int StageOf(const StageConsumer& consumer) const {
    return stages_[0].consumer.get() == &consumer ? 0 : 1;
  }
  ConsumerOptions StageConsumerOptions(const StageRuntime& s);
  // The stage's consumer was fenced (`error`): its static member was
  // taken over by a member that joined with the same group.instance.id.
  // Most often that member is this consumer itself, rejoining after its
  // session timed out on its side (a broker restart; librdkafka treats
  // the fencing as fatal all the same). So the consumer is made again
  // (same group.instance.id) and subscribes; the open transaction is
  // aborted and the host rewinds: the other stage at once, this one when
  // its partitions come back (OnAssigned). Fenced more than kMaxFencings
  // times within kFencingWindow, it is another process with the same
  // instance_id: an error that says so.
  absl::Status OnFenced(StageRuntime& s, const std::string& error);
  // The stage's state changes since the last call, to its changelog in the
  // open transaction.
  void WriteChangedState(StageRuntime& s);
  // Applies what the stage's consumer has (at most kMaxBatch records),
  // waiting up to `timeout_ms` for the first; returns how many records it
  // took. Rebalance events run inside the poll; records taken before an
  // assignment in the same poll may belong to the partitions' previous
  // life, so such a batch is not applied and the stage rewinds to the
  // committed offsets instead.
  absl::StatusOr<int> PollStage(StageRuntime& s, int timeout_ms);
  absl::Status OnRecord(StageRuntime& s, const ConsumedRecord& r);
  // Whether an input record sits in the partition its key belongs to; if
  // not, it is dead-lettered: the stages find an order, a SKU, only in the
  // partition Kafka's default partitioner gives its key.
  bool InRightPartition(InputTopic input, const RecordSource& source);

  bool HoldsEverything() const;
  void UpdateRouting(int stage_changed);
  void Follow(StageRouter::Inputs inputs);
  void PausePublicInputs(bool pause);
  // Hands queued stage-to-stage messages to their shards until none is
  // left, first in first out (as engine/pipeline does).
  void DeliverLocal();

  // The loop of Run, until `stop` or an error.
  absl::Status Loop(const std::atomic<bool>& stop);
  // Commits the open transaction: changelogs, offsets, commit. kAborted
  // when it had to be aborted (the caller must rewind); an error when the
  // host cannot go on.
  absl::StatusOr<TransactionLoop::Ended> Commit();
  // After an abort or a producer rebuild: every shard rebuilt from its
  // changelog, every stage back at its committed offsets.
  absl::Status Rewind();
  // The committed offsets are asked for until the host is asked to stop.
  CommittedRetry CommittedRetryUntilStopped() const;
  absl::Status RestoreShards(StageRuntime& s, const std::set<int>& partitions);
  // What the open transaction has read, both stages (PoisonRecords).
  PoisonRecords::Offsets ReadInTransaction() const;
  void Report(bool final);

  const Config config_;
  std::ostream& log_;
  std::unique_ptr<KafkaEnv> owned_env_;  // outlives every client below
  std::function<void(const v1::Escalation&)> on_restored_escalation_;
  KafkaEnv& env_;
  HostTelemetry telemetry_;
  StageRouter router_;
  TransactionLoop transactions_;
  HostEmitter emitter_;
  // Asks where the stage-to-stage topics and the changelogs end (see
  // StageRouter, ChangelogRestorer), read_uncommitted; never
  // assigned anything, so no fetch of its own waits in front of the
  // question on its connection.
  std::unique_ptr<StageConsumer> ends_;
  std::unique_ptr<ChangelogRestorer> restorer_;  // asks ends_
  std::vector<StageRuntime> stages_;
  PoisonRecords poison_;
  // Run's stop flag: a batch applied one record per transaction
  // (PoisonRecords) ends early when it is set.
  const std::atomic<bool>* stop_ = nullptr;
  int64_t assignments_ = 0;  // partition assignments so far
  // A fenced consumer being closed: its rebalance events only unassign.
  StageConsumer* retiring_ = nullptr;
  std::deque<Clock::time_point> fencings_[2];  // by stage, the recent ones
  bool rewind_needed_ = false;
  // By stage: its shards are as their changelogs gave them (restored, or
  // none held) and nothing has been applied to them since, so a rewind
  // need not restore them again (a poll that sees an assignment rewinds
  // right after the assignment restored the shards it gave).
  bool as_restored_[2] = {true, true};
  // The loop has ended: the consumers' closing revokes their partitions,
  // and the state published last (the final one) must stay.
  bool closing_ = false;
  // What Run is doing (HostOptions::doing, or own_doing_).
  std::atomic<const char*> own_doing_{"starting"};
  std::atomic<const char*>& doing_;
  // Sets doing_ for a scope, and back to what it was after.
  class DoingScope {
   public:
    DoingScope(std::atomic<const char*>& doing, const char* what)
        : doing_(doing), before_(doing.exchange(what)) {}
    ~DoingScope() { doing_.store(before_); }

   private:
    std::atomic<const char*>& doing_;
    const char* const before_;
  };
  bool warned_foreign_internal_ = false;
  // An error met in a rebalance event, which runs inside a poll and
  // cannot return one; the loop ends with it.
  absl::Status event_error_ = absl::OkStatus();
};

}  // namespace host_internal
}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOST_H_
