#include "consumers/kafka_host.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "consumers/changelog_restorer.h"
#include "consumers/committed_offsets.h"
#include "consumers/host_emitter.h"
#include "consumers/host_stages.h"
#include "consumers/host_telemetry.h"
#include "consumers/hosted_stage.h"
#include "consumers/poison_records.h"
#include "consumers/stage_router.h"
#include "consumers/transaction_loop.h"
#include "engine/dead_letter.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "engine/topics.h"
#include "kafka/kafka_env.h"
#include "kafka/kafka_errors.h"
#include "kafka/rdkafka_env.h"
#include "kafka/topic_names.h"

namespace orderflow {
namespace {

using Clock = KafkaEnv::Clock;

constexpr int kMaxBatch = 5000;  // records per stage per poll round

int64_t MicrosBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

class Host : public KafkaHost, public ConsumerEvents {
 public:
  Host(const Config& config, MetricsBoard* board, OrderTimelines* timelines,
       std::ostream& log, KafkaEnv& env, int64_t abort_every)
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
                 telemetry_) {}

  // Owns the env it was given (a real broker's).
  void Own(std::unique_ptr<KafkaEnv> env) { owned_env_ = std::move(env); }

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
  absl::Status RestoreShards(StageRuntime& s, const std::set<int>& partitions);
  // What the open transaction has read, both stages (PoisonRecords).
  PoisonRecords::Offsets ReadInTransaction() const;
  void Report(bool final);

  const Config config_;
  std::ostream& log_;
  std::unique_ptr<KafkaEnv> owned_env_;  // outlives every client below
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
  bool rewind_needed_ = false;
  bool warned_foreign_internal_ = false;
  // An error met in a rebalance event, which runs inside a poll and
  // cannot return one; the loop ends with it.
  absl::Status event_error_ = absl::OkStatus();
};

absl::Status Host::Start() {
  if (absl::Status s = env_.CheckTopics(); !s.ok()) return s;
  if (absl::Status s = transactions_.Start(); !s.ok()) return s;
  stages_ = MakeHostStages(config_);
  for (StageRuntime& s : stages_) telemetry_.AddStage(s.stage.get());
  if (std::vector<TimelineFeed::Entry>* pending = telemetry_.timeline_pending()) {
    stages_[0].stage->ObserveInputs(
        [pending](Topic topic, const RecordSource& source) {
          if (source.key.empty()) return;
          pending->push_back({false, topic, std::string(source.key),
                              source.timestamp, std::string(source.payload)});
        });
  }
  for (StageRuntime& s : stages_) {
    // End-of-partition events tell when the stage-to-stage topics are
    // drained (see StageRouter).
    ConsumerOptions options;
    options.group_id = s.group_id;
    options.partition_eof = true;
    options.events = this;
    options.wakes_host = true;
    auto consumer = env_.NewConsumer(options);
    if (!consumer.ok()) return consumer.status();
    s.consumer = *std::move(consumer);
  }
  // The restorer reads changelogs to their end: a fetch that finds nothing
  // more must come back at once, not after the default half second.
  ConsumerOptions restorer_options;
  restorer_options.group_id = Cat(config_.kafka.group_prefix, ".restore");
  restorer_options.partition_eof = true;
  restorer_options.settings = {{"fetch.wait.max.ms", "10"}};
  auto restorer = env_.NewConsumer(restorer_options);
  if (!restorer.ok()) return restorer.status();
  ConsumerOptions ends_options;
  ends_options.group_id = Cat(config_.kafka.group_prefix, ".ends");
  ends_options.settings = {{"isolation.level", "read_uncommitted"}};
  auto ends = env_.NewConsumer(ends_options);
  if (!ends.ok()) return ends.status();
  ends_ = *std::move(ends);
  restorer_ = std::make_unique<ChangelogRestorer>(*std::move(restorer), *ends_,
                                                  env_, log_);
  return absl::OkStatus();
}

PoisonRecords::Offsets Host::ReadInTransaction() const {
  PoisonRecords::Offsets read;
  for (const StageRuntime& s : stages_) {
    for (const auto& [tp, offset] : s.next_offsets) {
      read[{*tp.first, tp.second}] = offset;
    }
  }
  return read;
}

absl::StatusOr<TransactionLoop::Ended> Host::Commit() {
  const bool was_open = transactions_.in_transaction();
  const PoisonRecords::Offsets read = ReadInTransaction();
  absl::StatusOr<TransactionLoop::Ended> ended = transactions_.Commit(
      [&] {
        for (StageRuntime& s : stages_) WriteChangedState(s);
      },
      [&] {
        std::vector<TransactionLoop::GroupOffsets> groups;
        for (StageRuntime& s : stages_) {
          TransactionLoop::GroupOffsets& g =
              groups.emplace_back(TransactionLoop::GroupOffsets{s.consumer.get(), {}});
          for (const auto& [tp, offset] : s.next_offsets) {
            g.offsets.push_back({*tp.first, tp.second, offset});
          }
        }
        return groups;
      });
  if (ended.ok() && *ended == TransactionLoop::Ended::kCommitted) {
    for (StageRuntime& s : stages_) s.next_offsets.clear();
    if (was_open) poison_.OnCommitted(read);
  }
  if (ended.ok() && *ended == TransactionLoop::Ended::kAborted) {
    const bool isolating = poison_.isolating();
    const std::optional<PoisonRecords::Position> given_up =
        poison_.OnAborted(read, transactions_.refused());
    if (!isolating && poison_.isolating()) {
      log_ << "run: transactions refused " << PoisonRecords::kRefusalsBeforeIsolating
           << " times in a row; committing one record per transaction to find "
              "the record refused\n";
    }
    if (given_up) {
      log_ << "run: " << given_up->topic << "[" << given_up->partition << "] at "
           << given_up->offset << ": its transaction was refused "
           << PoisonRecords::kAttemptsAlone << " times with it alone; it will be "
           << "dead-lettered (" << kUncommittable << ")\n";
    }
  }
  return ended;
}

void Host::WriteChangedState(StageRuntime& s) {
  s.stage->FlushChanges(
      config_.kafka.event_time,
      [&](int partition, const std::string& key,
          std::optional<std::string_view> value) {
        ++telemetry_.counters().changelog;
        transactions_.Produce(s.changelog_topic, partition, key, value);
      });
}

absl::Status Host::RestoreShards(StageRuntime& s,
                                 const std::set<int>& partitions) {
  absl::StatusOr<int64_t> restored =
      restorer_->Restore(*s.stage, s.changelog_topic, partitions);
  if (!restored.ok()) return restored.status();
  telemetry_.counters().restored_records += *restored;
  return absl::OkStatus();
}

void Host::OnAssigned(StageConsumer& consumer,
                      const std::vector<TopicPartitionOffset>& partitions) {
  const int stage = StageOf(consumer);
  StageRuntime& s = stages_[stage];
  ++assignments_;
  poison_.Reset();
  std::set<int> added;
  for (const TopicPartitionOffset& tp : partitions) {
    if (!s.stage->HasShard(tp.partition)) added.insert(tp.partition);
  }
  for (int p : added) s.stage->AddShard(p);
  const auto restore_started = env_.Now();
  const int64_t restored_before = telemetry_.counters().restored_records;
  if (absl::Status st = RestoreShards(s, added); !st.ok()) event_error_ = st;
  log_ << "run: " << s.stage->name() << " stage assigned partitions";
  for (int p : added) log_ << " " << p;
  log_ << " (" << telemetry_.counters().restored_records - restored_before
       << " state records restored in "
       << MicrosBetween(restore_started, env_.Now()) / 1000 << " ms)\n";
  // At the committed offsets, asked here (committed_offsets.h); if they
  // cannot be had, the partitions are assigned all the same, as the
  // client expects of this event, and the loop ends with the error (not
  // asked at all once the loop is ending with one).
  absl::StatusOr<std::vector<TopicPartitionOffset>> resumed = partitions;
  if (event_error_.ok()) {
    resumed = ResolveCommittedOffsets(consumer, env_, s.group_id, partitions, log_);
    if (!resumed.ok()) event_error_ = resumed.status();
  }
  if (absl::Status st = consumer.Assign(resumed.ok() ? *resumed : partitions);
      !st.ok()) {
    log_ << "run: assigning " << s.group_id << ": " << st.message() << "\n";
  }
  UpdateRouting(stage);
}

void Host::OnRevoked(StageConsumer& consumer, bool lost) {
  const int stage = StageOf(consumer);
  StageRuntime& s = stages_[stage];
  // Revoked, or lost: what is in flight commits (or, lost, is dropped).
  if (lost) {
    if (transactions_.in_transaction()) {
      if (absl::Status st = transactions_.Abort(); !st.ok()) event_error_ = st;
    }
    rewind_needed_ = true;
  } else {
    absl::StatusOr<TransactionLoop::Ended> ended = Commit();
    if (!ended.ok()) event_error_ = ended.status();
    if (!ended.ok() || *ended != TransactionLoop::Ended::kCommitted) {
      rewind_needed_ = true;
    }
  }
  s.stage->DropAll();
  s.next_offsets.clear();
  poison_.Reset();
  (void)consumer.Unassign();
  UpdateRouting(stage);
}

bool Host::HoldsEverything() const {
  return static_cast<int>(stages_[0].stage->partitions().size()) ==
             config_.engine.order_partitions &&
         static_cast<int>(stages_[1].stage->partitions().size()) ==
             config_.engine.inventory_partitions;
}

void Host::UpdateRouting(int stage_changed) {
  Follow(router_.OnAssignmentChanged(stages_[stage_changed].topics,
                                     HoldsEverything(), env_.Now()));
}

void Host::Follow(StageRouter::Inputs inputs) {
  if (inputs == StageRouter::Inputs::kPause) PausePublicInputs(true);
  if (inputs == StageRouter::Inputs::kResume) PausePublicInputs(false);
}

void Host::PausePublicInputs(bool pause) {
  for (StageRuntime& s : stages_) {
    std::vector<TopicPartitionOffset> public_inputs;
    for (TopicPartitionOffset& tp : s.consumer->Assignment()) {
      if (!router_.IsInternalTopic(tp.topic)) public_inputs.push_back(std::move(tp));
    }
    if (pause) {
      s.consumer->Pause(public_inputs);
    } else {
      s.consumer->Resume(public_inputs);
    }
  }
}

void Host::DeliverLocal() {
  telemetry_.counters().local += router_.DeliverQueued(
      [&](const std::variant<StockRequest, StockAnswer>& message) {
        if (const auto* request = std::get_if<StockRequest>(&message)) {
          stages_[1].stage->ApplyAllocationRequest(
              PartitionOf(request->sku, config_.engine.inventory_partitions),
              *request, emitter_);
        } else {
          const auto& result = std::get<StockAnswer>(message);
          stages_[0].stage->ApplyAllocationResult(
              PartitionOf(result.order_id, config_.engine.order_partitions),
              result, emitter_);
        }
      });
}

absl::Status Host::Rewind() {
  rewind_needed_ = false;
  for (StageRuntime& s : stages_) {
    s.next_offsets.clear();
    std::vector<TopicPartitionOffset> assigned = s.consumer->Assignment();
    for (TopicPartitionOffset& tp : assigned) tp.offset = kCommittedOffset;
    absl::StatusOr<std::vector<TopicPartitionOffset>> resumed =
        ResolveCommittedOffsets(*s.consumer, env_, s.group_id,
                                std::move(assigned), log_);
    if (!resumed.ok()) {
      return absl::Status(resumed.status().code(),
                          Cat("rewinding: ", MessageOf(resumed.status())));
    }
    if (absl::Status st = s.consumer->Assign(*resumed); !st.ok()) {
      return absl::UnavailableError(
          Cat("rewinding ", s.group_id, ": ", MessageOf(st)));
    }
    const std::vector<int> partitions = s.stage->partitions();
    s.stage->DropAll();
    for (int p : partitions) s.stage->AddShard(p);
    absl::Status st = RestoreShards(
        s, std::set<int>(partitions.begin(), partitions.end()));
    if (!st.ok()) return st;
  }
  Follow(router_.OnRewind(HoldsEverything(), env_.Now()));
  log_ << "run: rewound to the committed offsets and state\n";
  return absl::OkStatus();
}

bool Host::InRightPartition(InputTopic input, const RecordSource& source) {
  // Stage-to-stage topics (no public name) are written by orderflow itself.
  const std::optional<Topic> topic = PublicTopic(input);
  if (!topic || source.key.empty()) return true;
  const int32_t expected =
      PartitionOf(source.key, PartitionCount(*topic, config_.engine));
  if (expected == source.partition) return true;
  DeadLetter(source, "WRONG_PARTITION",
             Cat("key '", source.key, "' belongs in partition ", expected,
                 " (Kafka's default murmur2 partitioner, as Java clients use; "
                 "librdkafka clients need partitioner=murmur2_random), not ",
                 source.partition),
             env_.WallMillis(), emitter_);
  return false;
}

absl::StatusOr<int> Host::PollStage(StageRuntime& s, int timeout_ms) {
  const int64_t assignments_before = assignments_;
  const absl::Span<const ConsumedRecord> batch =
      s.consumer->PollBatch(timeout_ms, kMaxBatch);
  if (batch.empty()) return 0;
  if (assignments_ != assignments_before) {
    rewind_needed_ = true;
  } else {
    for (const ConsumedRecord& r : batch) {
      if (absl::Status st = OnRecord(s, r); !st.ok()) return st;
      if (poison_.isolating() && r.kind == ConsumedRecord::Kind::kRecord &&
          transactions_.in_transaction() && !rewind_needed_) {
        // One record per transaction (poison_records.h). What is left of
        // the batch is read again by whoever holds the partition next.
        absl::StatusOr<TransactionLoop::Ended> ended = Commit();
        if (!ended.ok()) return ended.status();
        if (*ended != TransactionLoop::Ended::kCommitted) rewind_needed_ = true;
        if (stop_ != nullptr && stop_->load()) break;
      }
    }
  }
  return static_cast<int>(batch.size());
}

absl::Status Host::OnRecord(StageRuntime& s, const ConsumedRecord& r) {
  switch (r.kind) {
    case ConsumedRecord::Kind::kRecord:
      break;
    case ConsumedRecord::Kind::kPartitionEnd:
      router_.OnPartitionEnd(r.topic, r.partition, r.offset);
      return absl::OkStatus();
    case ConsumedRecord::Kind::kFatal:
      return absl::InternalError(Cat(s.group_id, ": ", r.error));
    case ConsumedRecord::Kind::kError:
      log_ << "run: " << s.stage->name() << " consumer: " << r.error << "\n";
      return absl::OkStatus();
  }
  // Applied again after the rewind (or never, after an error).
  if (!event_error_.ok() || rewind_needed_) return absl::OkStatus();
  if (!s.stage->HasShard(r.partition)) return absl::OkStatus();  // not ours any more
  if (absl::Status st = transactions_.Ensure(); !st.ok()) return st;
  const auto name = s.inputs.find(r.topic);
  if (name == s.inputs.end()) return absl::OkStatus();  // subscribed to none other
  RecordSource source;
  source.topic = r.topic;
  source.partition = r.partition;
  source.offset = r.offset;
  source.key = r.key;
  source.payload = r.value;
  source.timestamp = r.timestamp;
  const InputTopic input = name->second;
  if (router_.local() && !warned_foreign_internal_ &&
      router_.IsInternalTopic(name->first)) {
    warned_foreign_internal_ = true;
    log_ << "run: a stage-to-stage record in " << name->first << "["
         << r.partition << "] while this process holds every partition "
         << "(written by a process that has left?); applied\n";
  }
  poison_.OnRecord(r.topic, r.partition, r.offset);
  if (poison_.GivenUp(r.topic, r.partition, r.offset)) {
    DeadLetter(source, kUncommittable,
               Cat("a transaction holding this record alone was refused ",
                   PoisonRecords::kAttemptsAlone,
                   " times (by the producer or the broker: what it produced is "
                   "too large or invalid); it was not applied"),
               env_.WallMillis(), emitter_, kUncommittableMaxPayload);
  } else if (InRightPartition(input, source)) {
    s.stage->Apply(input, source, config_.kafka.event_time, emitter_);
    DeliverLocal();
  }
  s.next_offsets[{&name->first, r.partition}] = r.offset + 1;
  ++telemetry_.counters().inputs;
  return absl::OkStatus();
}

void Host::Report(bool final) {
  if (!telemetry_.Report(final, env_.Now(), env_.undelivered_records())) return;
  // Nothing came in for a while: say where each partition stands, so that
  // a stuck partition (e.g. an open transaction holding back the last
  // stable offset) can be told from an idle one.
  for (StageRuntime& st : stages_) {
    for (const TopicPartitionOffset& tp : st.consumer->Assignment()) {
      const Watermarks w = st.consumer->CachedWatermarks(tp.topic, tp.partition);
      if (tp.offset >= 0 && tp.offset < w.high) {
        log_ << "run: waiting: " << tp.topic << "[" << tp.partition << "] at "
             << tp.offset << " of " << w.high << "\n";
      }
    }
  }
}

absl::Status Host::Run(const std::atomic<bool>& stop) {
  stop_ = &stop;
  for (StageRuntime& s : stages_) {
    if (absl::Status st = s.consumer->Subscribe(s.topics); !st.ok()) {
      return absl::UnavailableError(
          Cat("subscribing ", s.group_id, ": ", MessageOf(st)));
    }
  }
  log_ << "run: transactional id " << config_.kafka.group_prefix << "."
       << config_.kafka.instance_id << ", groups " << stages_[0].group_id
       << " and " << stages_[1].group_id << ", "
       << (config_.kafka.event_time ? "event" : "wall") << " clock\n";
  absl::Status status = Loop(stop);
  if (status.ok()) {
    absl::StatusOr<TransactionLoop::Ended> last = Commit();
    if (!last.ok()) status = last.status();
    if (!last.ok() || *last != TransactionLoop::Ended::kCommitted) {
      log_ << "run: the last transaction was aborted; its input will be "
              "processed again by whoever takes over\n";
    }
  }
  telemetry_.FlushTimelines();
  telemetry_.Publish(true, env_.Now(), env_.WallMillis());
  for (StageRuntime& s : stages_) s.consumer->Close();
  restorer_->Close();
  ends_->Close();
  Report(true);
  return status;
}

absl::Status Host::Loop(const std::atomic<bool>& stop) {
  const auto interval = std::chrono::milliseconds(config_.kafka.commit_interval);
  // The ends are asked of a client that fetches nothing: a stage
  // consumer's connection has a fetch waiting up to fetch.wait.max.ms in
  // front of each question, and the loop waits for the answers.
  const StageRouter::HighWatermark high_watermark =
      [this](const std::string& topic, int32_t partition) -> std::optional<int64_t> {
    absl::StatusOr<Watermarks> w = ends_->QueryWatermarks(topic, partition, 5000);
    if (!w.ok()) return std::nullopt;
    return w->high;
  };
  while (!stop.load()) {
    if (!event_error_.ok()) return event_error_;
    if (router_.routing() == StageRouter::Routing::kDraining) {
      Follow(router_.TryFinishDraining(
          env_.Now(), transactions_.internal_in_transaction(), high_watermark));
    }
    if (!config_.kafka.event_time) {
      const EpochMillis now = env_.WallMillis();
      for (StageRuntime& s : stages_) {
        if (s.stage->HasDueTimer(now)) {
          if (absl::Status st = transactions_.Ensure(); !st.ok()) return st;
        }
        s.stage->AdvanceClock(now, emitter_);
        DeliverLocal();
      }
    }
    // Take what is there without waiting; when both stages are idle, wait
    // a little for either to get something.
    int applied = 0;
    for (StageRuntime& s : stages_) {
      absl::StatusOr<int> taken = PollStage(s, 0);
      if (!taken.ok()) return taken.status();
      applied += *taken;
    }
    if (!event_error_.ok()) return event_error_;
    if (applied == 0) {
      const auto wait_started = env_.Now();
      env_.WaitForRecords(5);
      telemetry_.counters().input_wait_us += MicrosBetween(wait_started, env_.Now());
    }
    if (rewind_needed_) {
      if (transactions_.in_transaction()) {
        if (absl::Status st = transactions_.Abort(); !st.ok()) return st;
      }
      if (absl::Status st = Rewind(); !st.ok()) return st;
      continue;
    }
    if (applied > 0 && transactions_.in_transaction()) {
      for (StageRuntime& s : stages_) {
        if (s.stage->FlushesEachBatch()) WriteChangedState(s);
      }
    }
    if (transactions_.in_transaction() &&
        env_.Now() - transactions_.last_commit_started() >= interval) {
      absl::StatusOr<TransactionLoop::Ended> ended = Commit();
      if (!ended.ok()) return ended.status();
      if (*ended == TransactionLoop::Ended::kAborted) {
        if (absl::Status st = Rewind(); !st.ok()) return st;
      }
    }
    transactions_.Poll();  // delivery reports
    Report(false);
    telemetry_.Publish(false, env_.Now(), env_.WallMillis());
  }
  return event_error_;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaHost>> KafkaHost::Create(
    const Config& config, MetricsBoard* metrics, OrderTimelines* timelines,
    HostOptions options) {
  std::unique_ptr<KafkaEnv> owned;
  KafkaEnv* env = options.env;
  if (env == nullptr) {
    absl::StatusOr<std::unique_ptr<KafkaEnv>> made = NewRdKafkaEnv(config);
    if (!made.ok()) return made.status();
    owned = *std::move(made);
    env = owned.get();
  }
  auto host = std::make_unique<Host>(config, metrics, timelines, *options.log,
                                     *env, options.abort_every);
  host->Own(std::move(owned));
  if (absl::Status s = host->Start(); !s.ok()) return s;
  return std::unique_ptr<KafkaHost>(std::move(host));
}

}  // namespace orderflow
