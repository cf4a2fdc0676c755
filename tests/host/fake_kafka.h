// A Kafka in memory, behind the host's seam (kafka/kafka_env.h), for tests
// that run in milliseconds: topics as logs, transactions that make their
// records and offsets visible only when they commit, one consumer group
// member per group (it gets every partition when it subscribes), and a
// clock that moves only when the host waits or sleeps.
//
// Faults are set up before or while the host runs: a commit or an init
// that fails with a given status, partitions revoked or lost at a given
// poll, a rebalance that arrives inside a batch poll after records were
// taken. `StopWhenIdle` ends Host::Run once nothing has come for a few
// rounds, so a test runs the host on its own thread, to quiescence.
#ifndef ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_
#define ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kafka/kafka_env.h"
#include "kafka/kafka_errors.h"

namespace orderflow {

struct FakeRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
  int64_t timestamp = 0;
};

class FakeKafka;

// A scheduled rebalance of one group: at its member's `at_poll`th poll,
// once it has handed out `after_records` records.
struct FakeRebalance {
  std::string group_id;
  int at_poll = 0;
  int64_t after_records = 0;
  enum class What { kRevoke, kLose, kAssignAll } what = What::kRevoke;
  // Delivered after the poll took its records (they then belong to the
  // partitions' previous life), not before.
  bool inside_poll = false;
};

class FakeGroupMetadata : public GroupMetadata {
 public:
  explicit FakeGroupMetadata(std::string group) : group_id(std::move(group)) {}
  std::string group_id;
};

class FakeConsumer : public StageConsumer {
 public:
  FakeConsumer(FakeKafka& kafka, ConsumerOptions options)
      : kafka_(kafka), options_(std::move(options)) {}

  absl::Status Subscribe(const std::vector<std::string>& topics) override;
  absl::Span<const ConsumedRecord> PollBatch(int timeout_ms, int max_records) override;
  absl::Status Assign(const std::vector<TopicPartitionOffset>& partitions) override;
  absl::Status Unassign() override {
    assignment_.clear();
    return absl::OkStatus();
  }
  std::vector<TopicPartitionOffset> Assignment() override {
    std::vector<TopicPartitionOffset> out;
    for (const auto& [tp, state] : assignment_) {
      out.push_back({tp.first, tp.second, state.position});
    }
    return out;
  }
  void Pause(const std::vector<TopicPartitionOffset>& partitions) override {
    for (const auto& p : partitions) {
      auto it = assignment_.find({p.topic, p.partition});
      if (it != assignment_.end()) it->second.paused = true;
    }
  }
  void Resume(const std::vector<TopicPartitionOffset>& partitions) override {
    for (const auto& p : partitions) {
      auto it = assignment_.find({p.topic, p.partition});
      if (it != assignment_.end()) it->second.paused = false;
    }
  }
  absl::StatusOr<Watermarks> QueryWatermarks(const std::string& topic,
                                             int32_t partition, int) override;
  Watermarks CachedWatermarks(const std::string& topic, int32_t partition) override {
    return *QueryWatermarks(topic, partition, 0);
  }
  std::unique_ptr<GroupMetadata> group_metadata() override {
    return std::make_unique<FakeGroupMetadata>(options_.group_id);
  }
  void Close() override { assignment_.clear(); }

  const ConsumerOptions& options() const { return options_; }
  int polls() const { return polls_; }
  int rewinds = 0;  // Assign calls at the committed offsets of all partitions

 private:
  friend class FakeKafka;
  struct PartitionState {
    int64_t position = 0;
    bool paused = false;
    int64_t end_reported = -1;
  };
  void Deliver(const FakeRebalance& r);
  void Take(int max_records);

  FakeKafka& kafka_;
  const ConsumerOptions options_;
  std::vector<std::string> subscription_;
  std::map<std::pair<std::string, int32_t>, PartitionState> assignment_;
  std::vector<ConsumedRecord> batch_;
  int polls_ = 0;
  int64_t records_taken_ = 0;
};

class FakeProducer : public TransactionalProducer {
 public:
  explicit FakeProducer(FakeKafka& kafka, std::string id)
      : kafka_(kafka), id_(std::move(id)) {}
  absl::Status InitTransactions() override;
  absl::Status LookUpTopics(const std::vector<std::string>& topics) override;
  absl::Status BeginTransaction() override {
    if (open_) return absl::FailedPreconditionError("a transaction is open");
    open_ = true;
    return absl::OkStatus();
  }
  absl::Status Produce(const std::string& topic, int32_t partition,
                       std::string_view key,
                       std::optional<std::string_view> value) override;
  absl::Status SendOffsets(const std::vector<TopicPartitionOffset>& offsets,
                           const GroupMetadata& group) override {
    for (const auto& o : offsets) {
      offsets_[static_cast<const FakeGroupMetadata&>(group).group_id]
              [{o.topic, o.partition}] = o.offset;
    }
    return absl::OkStatus();
  }
  absl::Status CommitTransaction() override;
  absl::Status AbortTransaction() override;
  void Poll() override {}

 private:
  FakeKafka& kafka_;
  const std::string id_;
  std::set<std::string> topics_;
  bool open_ = false;
  std::vector<std::pair<std::pair<std::string, int32_t>, FakeRecord>> pending_;
  std::map<std::string, std::map<std::pair<std::string, int32_t>, int64_t>> offsets_;
};

class FakeKafka : public KafkaEnv {
 public:
  // Topics by Kafka name with their partition counts.
  explicit FakeKafka(const std::map<std::string, int>& topics) {
    for (const auto& [name, partitions] : topics) logs_[name].resize(partitions);
  }

  // --- The test's side.
  void Append(const std::string& topic, int32_t partition, FakeRecord r) {
    logs_.at(topic).at(partition).push_back(std::move(r));
  }
  const std::deque<FakeRecord>& Log(const std::string& topic, int32_t partition) const {
    return logs_.at(topic).at(partition);
  }
  int Partitions(const std::string& topic) const {
    return static_cast<int>(logs_.at(topic).size());
  }
  // The next commits end with these, in order (OkStatus: commits), then
  // they succeed again; each is one call, so the host's retries see them.
  std::vector<absl::Status> commit_failures;
  std::vector<absl::Status> init_failures;
  std::vector<FakeRebalance> rebalances;
  // Records a poll takes at most (the host's batches are smaller here, so
  // that a workload takes many transactions).
  int max_poll_records = 1000000;
  // The producer refuses a record whose value is longer (0: no limit), as
  // librdkafka refuses one over message.max.bytes: marked refused
  // (kafka_errors.h), and the transaction must abort.
  size_t max_record_bytes = 0;
  // Host::Run's stop flag (StopWhenIdle) is also set after this many
  // aborts (0: never), so that a host that would abort forever ends.
  int max_aborts = 0;
  int aborts = 0;
  // Host::Run's stop flag, set after this many polls of the waiting
  // host in a row with nothing to take.
  void StopWhenIdle(std::atomic<bool>* stop, int idle_rounds = 50) {
    stop_ = stop;
    idle_rounds_ = idle_rounds;
    idle_ = 0;
  }
  int producers_made = 0;
  int commits = 0;
  std::vector<FakeConsumer*> consumers;  // in the order made

  // --- KafkaEnv.
  absl::Status CheckTopics() override { return absl::OkStatus(); }
  absl::StatusOr<std::unique_ptr<TransactionalProducer>> NewProducer(
      const std::string& id) override {
    ++producers_made;
    return std::make_unique<FakeProducer>(*this, id);
  }
  absl::StatusOr<std::unique_ptr<StageConsumer>> NewConsumer(
      const ConsumerOptions& options) override {
    auto c = std::make_unique<FakeConsumer>(*this, options);
    consumers.push_back(c.get());
    return c;
  }
  void WaitForRecords(int timeout_ms) override {
    now_ += std::chrono::milliseconds(timeout_ms);
    if (stop_ != nullptr && ++idle_ >= idle_rounds_) *stop_ = true;
  }
  int64_t undelivered_records() const override { return 0; }
  Clock::time_point Now() override { return now_; }
  EpochMillis WallMillis() override {
    return 1772438400000 +
           std::chrono::duration_cast<std::chrono::milliseconds>(
               now_.time_since_epoch())
               .count();
  }
  void SleepFor(std::chrono::milliseconds d) override { now_ += d; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  friend class FakeConsumer;
  friend class FakeProducer;
  void Busy() { idle_ = 0; }
  int64_t Committed(const std::string& group, const std::string& topic,
                    int32_t partition) const {
    auto g = committed_.find(group);
    if (g == committed_.end()) return 0;
    auto o = g->second.find({topic, partition});
    return o == g->second.end() ? 0 : o->second;
  }

  std::map<std::string, std::vector<std::deque<FakeRecord>>> logs_;
  std::map<std::string, std::map<std::pair<std::string, int32_t>, int64_t>> committed_;
  Clock::time_point now_{};
  std::atomic<bool>* stop_ = nullptr;
  int idle_rounds_ = 0;
  int idle_ = 0;
};

// --- FakeConsumer

inline absl::Status FakeConsumer::Subscribe(const std::vector<std::string>& topics) {
  subscription_ = topics;
  kafka_.rebalances.push_back({options_.group_id, polls_ + 1, 0,
                               FakeRebalance::What::kAssignAll, false});
  return absl::OkStatus();
}

inline void FakeConsumer::Deliver(const FakeRebalance& r) {
  if (r.what == FakeRebalance::What::kAssignAll) {
    std::vector<TopicPartitionOffset> all;
    for (const std::string& t : subscription_) {
      for (int p = 0; p < kafka_.Partitions(t); ++p) {
        all.push_back({t, p, kCommittedOffset});
      }
    }
    options_.events->OnAssigned(*this, all);
  } else {
    options_.events->OnRevoked(*this, r.what == FakeRebalance::What::kLose);
  }
}

inline absl::Span<const ConsumedRecord> FakeConsumer::PollBatch(int, int max_records) {
  ++polls_;
  batch_.clear();
  std::vector<FakeRebalance> now, inside;
  auto& all = kafka_.rebalances;
  for (auto it = all.begin(); it != all.end();) {
    if (it->group_id == options_.group_id && it->at_poll <= polls_ &&
        it->after_records <= records_taken_) {
      (it->inside_poll ? inside : now).push_back(*it);
      it = all.erase(it);
    } else {
      ++it;
    }
  }
  for (const FakeRebalance& r : now) Deliver(r);
  Take(std::min(max_records, kafka_.max_poll_records));
  for (const FakeRebalance& r : inside) Deliver(r);
  if (!batch_.empty()) kafka_.Busy();
  return absl::Span<const ConsumedRecord>(batch_.data(), batch_.size());
}

inline void FakeConsumer::Take(int max_records) {
  for (auto& [tp, state] : assignment_) {
    if (state.paused) continue;
    const std::deque<FakeRecord>& log = kafka_.Log(tp.first, tp.second);
    while (state.position < static_cast<int64_t>(log.size()) &&
           static_cast<int>(batch_.size()) < max_records) {
      const FakeRecord& r = log[state.position];
      ConsumedRecord c;
      c.topic = tp.first;
      c.partition = tp.second;
      c.offset = state.position++;
      c.key = r.key;
      c.null_value = !r.value.has_value();
      if (r.value) c.value = *r.value;
      c.timestamp = r.timestamp;
      batch_.push_back(c);
      ++records_taken_;
    }
    if (options_.partition_eof && state.position == static_cast<int64_t>(log.size()) &&
        state.end_reported != state.position &&
        static_cast<int>(batch_.size()) < max_records) {
      state.end_reported = state.position;
      ConsumedRecord c;
      c.kind = ConsumedRecord::Kind::kPartitionEnd;
      c.topic = tp.first;
      c.partition = tp.second;
      c.offset = state.position;
      batch_.push_back(c);
    }
  }
}

inline absl::Status FakeConsumer::Assign(
    const std::vector<TopicPartitionOffset>& partitions) {
  assignment_.clear();
  bool all_committed = !partitions.empty();
  for (const TopicPartitionOffset& p : partitions) {
    PartitionState s;
    if (p.offset == kCommittedOffset) {
      s.position = kafka_.Committed(options_.group_id, p.topic, p.partition);
    } else {
      all_committed = false;
      s.position = p.offset >= 0 ? p.offset : 0;
    }
    assignment_[{p.topic, p.partition}] = s;
  }
  if (all_committed) ++rewinds;
  return absl::OkStatus();
}

inline absl::StatusOr<Watermarks> FakeConsumer::QueryWatermarks(
    const std::string& topic, int32_t partition, int) {
  return Watermarks{0, static_cast<int64_t>(kafka_.Log(topic, partition).size())};
}

// --- FakeProducer

inline absl::Status FakeProducer::InitTransactions() {
  if (!kafka_.init_failures.empty()) {
    absl::Status s = kafka_.init_failures.front();
    kafka_.init_failures.erase(kafka_.init_failures.begin());
    return s;
  }
  return absl::OkStatus();
}

inline absl::Status FakeProducer::LookUpTopics(const std::vector<std::string>& topics) {
  for (const std::string& t : topics) {
    if (kafka_.logs_.count(t) == 0) return absl::NotFoundError(t);
    topics_.insert(t);
  }
  return absl::OkStatus();
}

inline absl::Status FakeProducer::Produce(const std::string& topic, int32_t partition,
                                          std::string_view key,
                                          std::optional<std::string_view> value) {
  if (!open_) return absl::FailedPreconditionError("no transaction open");
  if (topics_.count(topic) == 0) return absl::NotFoundError(topic);
  if (kafka_.max_record_bytes > 0 && value &&
      value->size() > kafka_.max_record_bytes) {
    absl::Status s = absl::InternalError("Broker: Message size too large");
    MarkRefused(s);
    return s;
  }
  FakeRecord r;
  r.key = std::string(key);
  if (value) r.value = std::string(*value);
  pending_.push_back({{topic, partition}, std::move(r)});
  return absl::OkStatus();
}

inline absl::Status FakeProducer::AbortTransaction() {
  pending_.clear();
  offsets_.clear();
  open_ = false;
  if (++kafka_.aborts == kafka_.max_aborts && kafka_.stop_ != nullptr) {
    *kafka_.stop_ = true;
  }
  return absl::OkStatus();
}

inline absl::Status FakeProducer::CommitTransaction() {
  if (!open_) return absl::FailedPreconditionError("no transaction open");
  if (!kafka_.commit_failures.empty()) {
    absl::Status s = kafka_.commit_failures.front();
    kafka_.commit_failures.erase(kafka_.commit_failures.begin());
    if (!s.ok()) {
      if (!absl::IsAborted(s) && !absl::IsUnavailable(s)) {
        // Fatal: the transaction is gone with the producer.
        pending_.clear();
        offsets_.clear();
        open_ = false;
      }
      return s;
    }
  }
  for (auto& [tp, r] : pending_) kafka_.Append(tp.first, tp.second, std::move(r));
  for (const auto& [group, offsets] : offsets_) {
    for (const auto& [tp, offset] : offsets) kafka_.committed_[group][tp] = offset;
  }
  pending_.clear();
  offsets_.clear();
  open_ = false;
  ++kafka_.commits;
  kafka_.Busy();
  return absl::OkStatus();
}

}  // namespace orderflow

#endif  // ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_
