#include "consumers/kafka_host.h"

#include "consumers/host.h"

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
namespace host_internal {

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
    auto consumer = env_.NewConsumer(StageConsumerOptions(s));
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

ConsumerOptions Host::StageConsumerOptions(const StageRuntime& s) {
  // End-of-partition events tell when the stage-to-stage topics are
  // drained (see StageRouter).
  ConsumerOptions options;
  options.group_id = s.group_id;
  options.settings = StageMemberSettings(config_, s.group_id);
  options.partition_eof = true;
  options.events = this;
  options.wakes_host = true;
  return options;
}

absl::Status Host::OnFenced(StageRuntime& s, const std::string& error) {
  const int stage = &s == &stages_[0] ? 0 : 1;
  std::deque<Clock::time_point>& fencings = fencings_[stage];
  const Clock::time_point now = env_.Now();
  while (!fencings.empty() && now - fencings.front() > kFencingWindow) {
    fencings.pop_front();
  }
  fencings.push_back(now);
  if (static_cast<int>(fencings.size()) > kMaxFencings) {
    return absl::FailedPreconditionError(Cat(
        s.group_id, ": fenced ", fencings.size(), " times within ",
        kFencingWindow.count(), " minutes: another process runs with ",
        "kafka.instance_id '", config_.kafka.instance_id,
        "' (group.instance.id '", s.group_id, ".", config_.kafka.instance_id,
        "'); each process needs its own (", error, ")"));
  }
  log_ << "run: " << s.stage->name() << " stage consumer " << error
       << "; joining again as the same member and rewinding\n";
  auto made = env_.NewConsumer(StageConsumerOptions(s));
  if (!made.ok()) return made.status();
  // What the fenced member held is gone, and what the open transaction
  // read from it: the transaction is aborted here, the other stage rewinds
  // in the loop (rewind_needed_), this one when it is assigned again.
  if (transactions_.in_transaction()) {
    if (absl::Status st = transactions_.Abort(); !st.ok()) return st;
  }
  rewind_needed_ = true;
  const std::vector<int> held = s.stage->partitions();
  s.stage->DropAll();
  as_restored_[stage] = true;
  telemetry_.OnStageAssignment(s.stage->name(), StageAssignment::kUnassigned, held,
                               env_.WallMillis());
  s.next_offsets.clear();
  poison_.Reset();
  std::unique_ptr<StageConsumer> fenced = std::exchange(s.consumer, *std::move(made));
  retiring_ = fenced.get();
  fenced->Close();
  fenced.reset();
  retiring_ = nullptr;
  ++telemetry_.counters().consumer_rebuilds;
  UpdateRouting(stage);
  if (absl::Status st = s.consumer->Subscribe(s.topics); !st.ok()) {
    return absl::UnavailableError(
        Cat("subscribing ", s.group_id, " again: ", MessageOf(st)));
  }
  return absl::OkStatus();
}

absl::Status Host::RestoreShards(StageRuntime& s,
                                 const std::set<int>& partitions) {
  DoingScope doing(doing_, "restoring state from a changelog");
  absl::StatusOr<int64_t> restored =
      restorer_->Restore(*s.stage, s.changelog_topic, partitions);
  if (!restored.ok()) return restored.status();
  telemetry_.counters().restored_records += *restored;
  return absl::OkStatus();
}

void Host::OnAssigned(StageConsumer& consumer,
                      const std::vector<TopicPartitionOffset>& partitions) {
  if (&consumer == retiring_) {
    (void)consumer.Assign(partitions);
    return;
  }
  const int stage = StageOf(consumer);
  StageRuntime& s = stages_[stage];
  ++assignments_;
  poison_.Reset();
  std::set<int> added;
  for (const TopicPartitionOffset& tp : partitions) {
    if (!s.stage->HasShard(tp.partition)) added.insert(tp.partition);
  }
  // /readyz says restoring from now until the shards are restored
  // (however short that is, GET /readyz/history keeps it).
  telemetry_.OnStageAssignment(s.stage->name(), StageAssignment::kRestoring,
                               {added.begin(), added.end()}, env_.WallMillis());
  if (!closing_) telemetry_.Publish(true, env_.Now(), env_.WallMillis());
  for (int p : added) s.stage->AddShard(p);
  const auto restore_started = env_.Now();
  const int64_t restored_before = telemetry_.counters().restored_records;
  if (absl::Status st = RestoreShards(s, added); !st.ok()) {
    event_error_ = st;
  } else {
    telemetry_.OnStageAssignment(s.stage->name(), StageAssignment::kRestored,
                                 s.stage->partitions(), env_.WallMillis());
  }
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
  DoingScope doing(doing_, "taking an assignment (committed offsets)");
  if (event_error_.ok()) {
    resumed = ResolveCommittedOffsets(consumer, env_, s.group_id, partitions, log_,
                                      CommittedRetryUntilStopped());
    if (!resumed.ok()) event_error_ = resumed.status();
  }
  // librdkafka keeps a partition paused through a rebalance: one paused
  // for draining (StageRouter) when it was revoked would stay paused for
  // good once assigned again, its member heartbeating and reading nothing.
  // So the public inputs are resumed first (before the assignment, whose
  // fetch start a later pause or resume could outdate), and paused again
  // below if the host drains now.
  std::vector<TopicPartitionOffset> public_inputs;
  for (const TopicPartitionOffset& tp : partitions) {
    if (!router_.IsInternalTopic(tp.topic)) public_inputs.push_back(tp);
  }
  consumer.Resume(public_inputs);
  if (absl::Status st = consumer.Assign(resumed.ok() ? *resumed : partitions);
      !st.ok()) {
    log_ << "run: assigning " << s.group_id << ": " << st.message() << "\n";
  }
  UpdateRouting(stage);
  // After UpdateRouting: the worklist keeps only the orders of partitions
  // the timelines were told are held.
  if (on_restored_escalation_ && event_error_.ok() && !added.empty()) {
    s.stage->ForEachOpenEscalation(added, on_restored_escalation_);
  }
}

void Host::OnRevoked(StageConsumer& consumer, bool lost) {
  if (&consumer == retiring_) {
    (void)consumer.Unassign();
    return;
  }
  const int stage = StageOf(consumer);
  StageRuntime& s = stages_[stage];
  // Revoked, or lost: what is in flight commits (or, lost, is dropped).
  DoingScope doing(doing_, "giving up partitions");
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
  const std::vector<int> held = s.stage->partitions();
  s.stage->DropAll();
  as_restored_[stage] = true;
  // Closing, the state published last stays (see UpdateRouting).
  if (!closing_) {
    telemetry_.OnStageAssignment(s.stage->name(), StageAssignment::kUnassigned,
                                 held, env_.WallMillis());
  }
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
  // Closing, a process keeps what it knows (the demo serves its
  // timelines after the week).
  if (stage_changed == 0 && !closing_) {
    telemetry_.OnOrderPartitions(stages_[0].stage->partitions(),
                                 config_.engine.order_partitions);
  }
  // /readyz follows an assignment at once: unassigned from the moment a
  // rebalance takes a stage's partitions away until the next assignment
  // comes, restoring until the partitions it gives are restored.
  if (!closing_) telemetry_.Publish(true, env_.Now(), env_.WallMillis());
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

CommittedRetry Host::CommittedRetryUntilStopped() const {
  CommittedRetry retry;
  retry.stop = stop_;
  return retry;
}

absl::Status Host::Rewind() {
  DoingScope doing(doing_, "rewinding to the committed offsets and state");
  rewind_needed_ = false;
  int stage = 0;
  for (StageRuntime& s : stages_) {
    const bool as_restored = as_restored_[stage];
    as_restored_[stage++] = true;
    s.next_offsets.clear();
    std::vector<TopicPartitionOffset> assigned = s.consumer->Assignment();
    for (TopicPartitionOffset& tp : assigned) tp.offset = kCommittedOffset;
    absl::StatusOr<std::vector<TopicPartitionOffset>> resumed =
        ResolveCommittedOffsets(*s.consumer, env_, s.group_id,
                                std::move(assigned), log_,
                                CommittedRetryUntilStopped());
    if (!resumed.ok()) {
      return absl::Status(resumed.status().code(),
                          Cat("rewinding: ", MessageOf(resumed.status())));
    }
    if (absl::Status st = s.consumer->Assign(*resumed); !st.ok()) {
      return absl::UnavailableError(
          Cat("rewinding ", s.group_id, ": ", MessageOf(st)));
    }
    // Shards as their changelogs gave them already are kept: restoring
    // them again would give the same (and take as long as the first time).
    if (as_restored) continue;
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

}  // namespace host_internal

using host_internal::Host;

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
                                     *env, options.abort_every,
                                     options.doing);
  host->OnRestoredEscalation(std::move(options.on_restored_escalation));
  host->Own(std::move(owned));
  if (absl::Status s = host->Start(); !s.ok()) return s;
  return std::unique_ptr<KafkaHost>(std::move(host));
}

}  // namespace orderflow

