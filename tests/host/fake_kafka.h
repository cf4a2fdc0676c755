// A Kafka in memory, behind the host's seam (kafka/kafka_env.h), for tests
// that run in milliseconds: topics as logs, transactions that make their
// records and offsets visible only when they commit, one consumer group
// member per group (it gets every partition when it subscribes), and a
// clock that moves only when the host waits or sleeps.
//
// Like a broker, it answers a commit before the transaction's markers are
// written when `marker_delay_polls` is set: read_committed consumers
// (every one but those set to read_uncommitted) then see the committed
// records, and reach the end of the partition, only that many polls later.
//
// Faults are set up before or while the host runs: a commit, an abort or
// an init that fails with a given status, partitions revoked or lost at a given
// poll, a rebalance that arrives inside a batch poll after records were
// taken, a question for the committed offsets that fails, a consumer
// fenced at a given poll (as librdkafka fences a static member when
// another joins with its group.instance.id: its assignment is lost, and
// that poll and every later one report only the fatal error). As librdkafka
// does, an Assign at kCommittedOffset asks that question itself and, when
// it fails, reports the error once and never fetches those partitions; and
// a partition paused stays paused until resumed, through an Unassign and a
// new Assign (librdkafka 2.0.2 keeps the pause on the partition, not on
// the assignment). `StopWhenIdle` ends Host::Run once nothing has come for a few
// rounds, so a test runs the host on its own thread, to quiescence.
#ifndef ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_
#define ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
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
  // kAssignAll: only these partitions of each subscribed topic (another
  // member holds the rest); empty: every one.
  std::vector<int32_t> only{};
};

// A scheduled fencing of one group's member: at its `at_poll`th poll (each
// consumer made counts its own polls), once it has handed out
// `after_records` records.
struct FakeFencing {
  std::string group_id;
  int at_poll = 0;
  int64_t after_records = 0;
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
  absl::StatusOr<std::vector<TopicPartitionOffset>> Committed(
      const std::vector<TopicPartitionOffset>& partitions, int) override;
  std::vector<TopicPartitionOffset> Assignment() override {
    std::vector<TopicPartitionOffset> out;
    for (const auto& [tp, state] : assignment_) {
      out.push_back({tp.first, tp.second, state.position});
    }
    return out;
  }
  void Pause(const std::vector<TopicPartitionOffset>& partitions) override {
    for (const auto& p : partitions) paused_.insert({p.topic, p.partition});
  }
  void Resume(const std::vector<TopicPartitionOffset>& partitions) override {
    for (const auto& p : partitions) paused_.erase({p.topic, p.partition});
  }
  bool paused(const std::string& topic, int32_t partition) const {
    return paused_.count({topic, partition}) > 0;
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
  bool read_committed() const {
    auto it = options_.settings.find("isolation.level");
    return it == options_.settings.end() || it->second != "read_uncommitted";
  }
  int polls() const { return polls_; }
  int rewinds = 0;  // Assign calls at the committed offsets of all partitions

 private:
  friend class FakeKafka;
  struct PartitionState {
    int64_t position = 0;
    int64_t end_reported = -1;
    bool stalled = false;  // its committed offset could not be had
  };
  void Deliver(const FakeRebalance& r);
  void Take(int max_records);

  FakeKafka& kafka_;
  const ConsumerOptions options_;
  std::vector<std::string> subscription_;
  std::map<std::pair<std::string, int32_t>, PartitionState> assignment_;
  // Outlives the assignment, as in librdkafka (see the top).
  std::set<std::pair<std::string, int32_t>> paused_;
  std::vector<ConsumedRecord> batch_;
  std::vector<std::string> errors_;  // for the next poll
  std::vector<std::string> reported_;  // what the last poll's errors view
  int polls_ = 0;
  int64_t records_taken_ = 0;
  bool fenced_ = false;
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
  // The next questions for committed offsets (a consumer's Committed, or
  // an Assign at kCommittedOffset) end with these, in order, once
  // `committed_failures_after_commits` transactions have committed.
  std::vector<absl::Status> committed_failures;
  int committed_failures_after_commits = 0;
  int committed_questions = 0;  // calls of a consumer's Committed
  // Host::Run's stop flag (StopWhenIdle) is set at this failed answer to a
  // question for committed offsets (SIGTERM while the coordinator is
  // missing); 0: never.
  int stop_at_committed_failure = 0;
  // Host::Run's stop flag is set at this failed commit (SIGTERM while
  // commits time out); 0: never.
  int stop_at_commit_failure = 0;
  // The next aborts end with these, in order, as commit_failures; an error
  // other than Unavailable is fatal (as librdkafka's INVALID_TXN_STATE when
  // ending a transaction), and the transaction is gone either way.
  std::vector<absl::Status> abort_failures;
  std::vector<FakeRebalance> rebalances;
  std::vector<FakeFencing> fencings;
  // Polls (of any consumer) between a commit and its markers; 0: at once.
  int marker_delay_polls = 0;
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
  // Called at each poll of any consumer (the changelog restorer's too):
  // a test looks at what the host has published meanwhile.
  std::function<void()> on_poll;
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
  // kBeginningOffset where the group never committed.
  // The last stable offset: where read_committed consumers stop.
  int64_t LastStable(const std::string& topic, int32_t partition) const {
    auto it = unstable_.find({topic, partition});
    if (it != unstable_.end()) return it->second.first;
    return static_cast<int64_t>(Log(topic, partition).size());
  }
  // A poll of any consumer: markers due are written.
  void Polled() {
    ++polls_;
    if (on_poll) on_poll();
    for (auto it = unstable_.begin(); it != unstable_.end();) {
      it = it->second.second <= polls_ ? unstable_.erase(it) : std::next(it);
    }
  }
  int64_t Committed(const std::string& group, const std::string& topic,
                    int32_t partition) const {
    auto g = committed_.find(group);
    if (g == committed_.end()) return kBeginningOffset;
    auto o = g->second.find({topic, partition});
    return o == g->second.end() ? kBeginningOffset : o->second;
  }
  // The outcome of the next question for committed offsets.
  absl::Status NextCommittedAnswer() {
    if (commits < committed_failures_after_commits || committed_failures.empty()) {
      return absl::OkStatus();
    }
    absl::Status s = committed_failures.front();
    committed_failures.erase(committed_failures.begin());
    if (!s.ok() && stop_at_committed_failure > 0 && --stop_at_committed_failure == 0 &&
        stop_ != nullptr) {
      *stop_ = true;
    }
    return s;
  }

  std::map<std::string, std::vector<std::deque<FakeRecord>>> logs_;
  // Partitions whose markers are not written yet: (last stable offset,
  // the poll at which they are).
  std::map<std::pair<std::string, int32_t>, std::pair<int64_t, int64_t>> unstable_;
  int64_t polls_ = 0;
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
        if (!r.only.empty() &&
            std::find(r.only.begin(), r.only.end(), p) == r.only.end()) {
          continue;
        }
        all.push_back({t, p, kCommittedOffset});
      }
    }
    options_.events->OnAssigned(*this, all);
  } else {
    options_.events->OnRevoked(*this, r.what == FakeRebalance::What::kLose);
  }
}

inline absl::Span<const ConsumedRecord> FakeConsumer::PollBatch(int timeout_ms,
                                                             int max_records) {
  ++polls_;
  kafka_.Polled();
  batch_.clear();
  auto& fencings = kafka_.fencings;
  for (auto it = fencings.begin(); !fenced_ && it != fencings.end(); ++it) {
    if (it->group_id == options_.group_id && it->at_poll <= polls_ &&
        it->after_records <= records_taken_) {
      fencings.erase(it);
      fenced_ = true;
      if (!assignment_.empty()) options_.events->OnRevoked(*this, true);
      assignment_.clear();
      break;
    }
  }
  if (fenced_) {
    ConsumedRecord c;
    c.kind = ConsumedRecord::Kind::kFatal;
    c.error = "fenced: a member joined the group with this group.instance.id";
    batch_.push_back(c);
    return absl::Span<const ConsumedRecord>(batch_.data(), batch_.size());
  }
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
  reported_ = std::move(errors_);
  errors_.clear();
  for (const std::string& e : reported_) {
    ConsumedRecord c;
    c.kind = ConsumedRecord::Kind::kError;
    c.error = e;
    batch_.push_back(c);
  }
  Take(std::min(max_records, kafka_.max_poll_records));
  for (const FakeRebalance& r : inside) Deliver(r);
  if (!batch_.empty()) kafka_.Busy();
  // A poll that waits and finds nothing took its whole timeout.
  if (batch_.empty() && timeout_ms > 0) {
    kafka_.Advance(std::chrono::milliseconds(timeout_ms));
  }
  return absl::Span<const ConsumedRecord>(batch_.data(), batch_.size());
}

inline void FakeConsumer::Take(int max_records) {
  for (auto& [tp, state] : assignment_) {
    if (state.stalled || paused_.count(tp) > 0) continue;
    const std::deque<FakeRecord>& log = kafka_.Log(tp.first, tp.second);
    const int64_t end = read_committed()
                            ? kafka_.LastStable(tp.first, tp.second)
                            : static_cast<int64_t>(log.size());
    while (state.position < end &&
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
    if (options_.partition_eof && state.position == end &&
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
  absl::Status answer = absl::OkStatus();
  for (const TopicPartitionOffset& p : partitions) {
    if (p.offset == kCommittedOffset) {
      answer = kafka_.NextCommittedAnswer();
      break;
    }
  }
  if (!answer.ok()) {
    errors_.push_back("Failed to fetch committed offsets for 0 partition(s) in "
                      "group \"" + options_.group_id + "\": " +
                      std::string(answer.message()));
  }
  for (const TopicPartitionOffset& p : partitions) {
    PartitionState s;
    if (p.offset == kCommittedOffset) {
      s.stalled = !answer.ok();
      s.position = std::max<int64_t>(
          0, kafka_.Committed(options_.group_id, p.topic, p.partition));
    } else {
      all_committed = false;
      s.position = p.offset >= 0 ? p.offset : 0;
    }
    assignment_[{p.topic, p.partition}] = s;
  }
  if (all_committed) ++rewinds;
  return absl::OkStatus();
}

inline absl::StatusOr<std::vector<TopicPartitionOffset>> FakeConsumer::Committed(
    const std::vector<TopicPartitionOffset>& partitions, int) {
  ++kafka_.committed_questions;
  if (absl::Status s = kafka_.NextCommittedAnswer(); !s.ok()) return s;
  std::vector<TopicPartitionOffset> out = partitions;
  for (TopicPartitionOffset& p : out) {
    p.offset = kafka_.Committed(options_.group_id, p.topic, p.partition);
  }
  return out;
}

inline absl::StatusOr<Watermarks> FakeConsumer::QueryWatermarks(
    const std::string& topic, int32_t partition, int) {
  return Watermarks{0, read_committed()
                           ? kafka_.LastStable(topic, partition)
                           : static_cast<int64_t>(kafka_.Log(topic, partition).size())};
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

inline absl::Status FakeProducer::CommitTransaction() {
  if (!open_) return absl::FailedPreconditionError("no transaction open");
  if (!kafka_.commit_failures.empty()) {
    absl::Status s = kafka_.commit_failures.front();
    kafka_.commit_failures.erase(kafka_.commit_failures.begin());
    if (!s.ok() && kafka_.stop_at_commit_failure > 0 &&
        --kafka_.stop_at_commit_failure == 0 && kafka_.stop_ != nullptr) {
      *kafka_.stop_ = true;
    }
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
  for (auto& [tp, r] : pending_) {
    if (kafka_.marker_delay_polls > 0) {
      auto [it, added] = kafka_.unstable_.try_emplace(
          tp, static_cast<int64_t>(kafka_.Log(tp.first, tp.second).size()), 0);
      it->second.second = kafka_.polls_ + kafka_.marker_delay_polls;
    }
    kafka_.Append(tp.first, tp.second, std::move(r));
  }
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

inline absl::Status FakeProducer::AbortTransaction() {
  if (!kafka_.abort_failures.empty()) {
    absl::Status s = kafka_.abort_failures.front();
    kafka_.abort_failures.erase(kafka_.abort_failures.begin());
    if (absl::IsUnavailable(s)) return s;
    pending_.clear();
    offsets_.clear();
    open_ = false;
    return s;
  }
  pending_.clear();
  offsets_.clear();
  open_ = false;
  if (++kafka_.aborts == kafka_.max_aborts && kafka_.stop_ != nullptr) {
    *kafka_.stop_ = true;
  }
  return absl::OkStatus();
}

}  // namespace orderflow

#endif  // ORDERFLOW_TESTS_HOST_FAKE_KAFKA_H_
