// The Kafka host's loop: poll both stages, apply records, commit; see
// host.h and kafka_host.h.
#include "consumers/host.h"

#include <chrono>
#include <map>
#include <optional>
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
  DoingScope doing(doing_, "committing a transaction");
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

void Host::DeliverLocal() {
  telemetry_.counters().local += router_.DeliverQueued(
      [&](const std::variant<StockRequest, StockAnswer>& message) {
        if (const auto* request = std::get_if<StockRequest>(&message)) {
          as_restored_[1] = false;
          stages_[1].stage->ApplyAllocationRequest(
              PartitionOf(request->sku, config_.engine.inventory_partitions),
              *request, emitter_);
        } else {
          const auto& result = std::get<StockAnswer>(message);
          as_restored_[0] = false;
          stages_[0].stage->ApplyAllocationResult(
              PartitionOf(result.order_id, config_.engine.order_partitions),
              result, emitter_);
        }
      });
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
  doing_.store(&s == &stages_[0] ? "polling the order stage's consumer"
                                 : "polling the inventory stage's consumer");
  const absl::Span<const ConsumedRecord> batch =
      s.consumer->PollBatch(timeout_ms, kMaxBatch);
  doing_.store("processing records");
  if (batch.empty()) return 0;
  // A fenced consumer (kFatal) is replaced once its batch, which it owns,
  // is no longer looked at.
  std::optional<std::string> fenced;
  for (const ConsumedRecord& r : batch) {
    if (r.kind == ConsumedRecord::Kind::kFatal) fenced = std::string(r.error);
  }
  if (fenced) {
    const int taken = static_cast<int>(batch.size());
    if (absl::Status st = OnFenced(s, *fenced); !st.ok()) return st;
    return taken;
  }
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
    case ConsumedRecord::Kind::kFatal:  // handled in PollStage
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
    as_restored_[&s == &stages_[0] ? 0 : 1] = false;
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
  transactions_.StopRetryingWhen(&stop);
  doing_.store("subscribing");
  for (StageRuntime& s : stages_) {
    if (absl::Status st = s.consumer->Subscribe(s.topics); !st.ok()) {
      return absl::UnavailableError(
          Cat("subscribing ", s.group_id, ": ", MessageOf(st)));
    }
    // Not ready before each stage's first assignment is restored.
    telemetry_.OnStageAssignment(s.stage->name(), StageAssignment::kUnassigned,
                                 {}, env_.WallMillis());
  }
  log_ << "run: transactional id " << config_.kafka.group_prefix << "."
       << config_.kafka.instance_id << ", groups " << stages_[0].group_id
       << " and " << stages_[1].group_id << ", "
       << (config_.kafka.event_time ? "event" : "wall") << " clock\n";
  absl::Status status = Loop(stop);
  if (status.ok()) {
    DoingScope doing(doing_, "committing the last transaction");
    absl::StatusOr<TransactionLoop::Ended> last = Commit();
    if (!last.ok()) status = last.status();
    if (!last.ok() || *last != TransactionLoop::Ended::kCommitted) {
      log_ << "run: the last transaction was aborted; its input will be "
              "processed again by whoever takes over\n";
    }
  }
  // Stopped while the committed offsets were being asked for: the stage
  // is not where its offsets say, so nothing more is committed (what is
  // not is processed again by whoever takes over), and the stop is clean.
  if (absl::IsCancelled(status) && stop.load()) {
    log_ << "run: " << status.message() << "; stopping without a last commit\n";
    status = absl::OkStatus();
  }
  telemetry_.FlushTimelines();
  telemetry_.Publish(true, env_.Now(), env_.WallMillis());
  closing_ = true;
  doing_.store("closing the order stage's consumer (leaving its group)");
  stages_[0].consumer->Close();
  doing_.store("closing the inventory stage's consumer (leaving its group)");
  stages_[1].consumer->Close();
  doing_.store("closing the changelog reader");
  restorer_->Close();
  doing_.store("closing the watermark reader");
  ends_->Close();
  doing_.store("stopped");
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
        // A clock moved with no timer due changes nothing a restore would
        // not give again at the next turn.
        if (s.stage->HasDueTimer(now)) {
          if (absl::Status st = transactions_.Ensure(); !st.ok()) return st;
          as_restored_[&s == &stages_[0] ? 0 : 1] = false;
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
        DoingScope doing(doing_, "aborting a transaction");
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

}  // namespace host_internal
}  // namespace orderflow
