#include "consumers/kafka_host.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "consumers/consumer_prefetch.h"
#include "consumers/hosted_stage.h"
#include "consumers/kafka_client.h"
#include "consumers/topic_names.h"
#include "consumers/topics_admin.h"
#include "engine/dead_letter.h"
#include "engine/output_wire.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "engine/topics.h"
#include "librdkafka/rdkafka.h"
#include "observe/live_metrics.h"
#include "observe/order_timeline.h"
#include "observe/timeline_feed.h"

namespace orderflow {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxBatch = 5000;          // records per stage per poll round
constexpr int kRestoreTimeoutMs = 120000;
constexpr int kStartupTimeoutMs = 30000;

int64_t MicrosBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

EpochMillis WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Calls `op` again while it fails with a retriable error (librdkafka's
// advice), up to a bound; returns the last error, or null on success.
template <typename Op>
ErrorPtr WithRetries(Op op) {
  for (int attempt = 0;; ++attempt) {
    ErrorPtr error(op());
    if (!error || !error->is_retriable() || attempt >= 50) return error;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

class Host;

// Delivery reports. They matter for speed: without a delivery report
// callback, librdkafka's flush (which commit_transaction runs) cannot tell
// when the last record was acknowledged and sleeps in 10 ms steps, so every
// commit took 10 ms or more. A record that failed also fails the commit, so
// failures are only counted here, for the log.
class DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) ++failed;
  }
  int64_t failed = 0;
};

class Rebalancer : public RdKafka::RebalanceCb {
 public:
  Rebalancer(Host* host, int stage) : host_(host), stage_(stage) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;

 private:
  Host* host_;
  int stage_;
};

// A pipe that librdkafka writes a byte to whenever a watched queue gets
// something while empty (rd_kafka_queue_io_event_enable). The host waits on
// it when both stages are idle, so that a record for either stage wakes it
// at once: waiting on one stage's queue after the other would leave a
// record of the second waiting until the first wait timed out.
class Wakeup {
 public:
  Wakeup() {
    if (pipe2(fds_, O_NONBLOCK | O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Wakeup() {
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  // `queue` must stop being watched (its consumer destroyed) before this.
  void Watch(rd_kafka_queue_t* queue) {
    if (fds_[1] >= 0) rd_kafka_queue_io_event_enable(queue, fds_[1], "r", 1);
  }
  // Returns when a watched queue got something since the last call, or
  // after `timeout_ms`.
  void Wait(int timeout_ms) {
    if (fds_[0] < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
      return;
    }
    pollfd p{fds_[0], POLLIN, 0};
    ::poll(&p, 1, timeout_ms);
    char drained[64];
    while (read(fds_[0], drained, sizeof drained) > 0) {
    }
  }

 private:
  int fds_[2];
};

// One stage's member of its consumer group.
struct StageRuntime {
  std::unique_ptr<HostedStage> stage;
  std::unique_ptr<Rebalancer> rebalancer;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::string group_id;
  std::vector<std::string> topics;                 // Kafka names
  std::map<std::string, std::string, std::less<>> short_names;  // Kafka -> short
  std::string changelog_topic;
  // The consumer's queue, taken from in batches (see PollStage); released
  // before the consumer.
  struct QueueRelease {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  };
  std::unique_ptr<rd_kafka_queue_t, QueueRelease> queue;
  // Next offset per (topic, partition) consumed in the open transaction;
  // the topic is a key of short_names.
  std::map<std::pair<const std::string*, int32_t>, int64_t> next_offsets;
};

class Host : public KafkaHost, public Emitter {
 public:
  Host(const Config& config, MetricsBoard* board, OrderTimelines* timelines)
      : config_(config), board_(board), timelines_(timelines) {
    if (timelines_ != nullptr) {
      timeline_feed_ = std::make_unique<TimelineFeed>(timelines_);
    }
  }

  absl::Status Start();
  absl::Status Run(const std::atomic<bool>& stop) override;
  HostCounters counters() const override { return counters_; }

  void OnRebalance(int stage, RdKafka::KafkaConsumer* consumer,
                   RdKafka::ErrorCode err,
                   std::vector<RdKafka::TopicPartition*>& partitions);

  // Emitter: everything goes into the open transaction. Status changes
  // and delivery tasks are written straight from their plain values
  // (engine/output_wire.h), no message built.
  void SendStatus(const StatusOutput& s) override {
    std::string value;
    AppendStatus(s, value);
    PublicBytes(Topic::kOrderStatus, s.order_id, s.occurred_at, std::move(value));
  }
  void SendTask(const TaskOutput& t) override {
    std::string value;
    if (!AppendTask(t, value)) {  // an address protobuf must write
      v1::DeliveryTask m;
      ToProto(t, &m);
      Public(Topic::kDeliveryTasks, m.order_id(), m);
      return;
    }
    PublicBytes(Topic::kDeliveryTasks, t.order_id, t.created_at, std::move(value));
  }
  void Escalated(const v1::Escalation& m) override {
    Public(Topic::kEscalations, m.order_id(), m);
  }
  void DeadLettered(const v1::DeadLetter& m) override {
    ++dead_letters_pending_[m.reason()];
    Public(Topic::kDeadLetter, m.key(), m);
  }
  // In-process hand-over (kLocal) keeps the plain values the shards send;
  // through the topics they become protobuf messages (the base class
  // converts them and calls ToInventory, ToOrders).
  void SendToInventory(const StockRequest& m) override {
    if (routing_ == Routing::kLocal) {
      local_.emplace_back(m);
      return;
    }
    Emitter::SendToInventory(m);
  }
  void SendToOrders(const StockAnswer& m) override {
    if (routing_ == Routing::kLocal) {
      local_.emplace_back(m);
      return;
    }
    Emitter::SendToOrders(m);
  }
  void ToInventory(const internal::v1::AllocationRequest& m) override {
    ++counters_.internal;
    internal_in_transaction_ = true;
    drain_targets_.clear();  // one more of ours in flight
    Produce(requests_topic_,
            PartitionOf(m.sku(), config_.engine.inventory_partitions), m.sku(),
            m.SerializeAsString());
  }
  void ToOrders(const internal::v1::AllocationResult& m) override {
    ++counters_.internal;
    internal_in_transaction_ = true;
    drain_targets_.clear();
    Produce(results_topic_,
            PartitionOf(m.order_id(), config_.engine.order_partitions),
            m.order_id(), m.SerializeAsString());
  }

 private:
  absl::Status MakeProducer();
  absl::Status MakeProducerTopics();
  absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> MakeConsumer(
      const std::string& group_id, RdKafka::RebalanceCb* rebalancer,
      bool partition_eof, std::map<std::string, std::string> extra = {});
  void AddStage(std::unique_ptr<HostedStage> stage, std::string_view role,
                std::vector<std::string> short_topics,
                InternalTopic changelog);

  void Public(Topic topic, const std::string& key,
              const google::protobuf::Message& m) {
    PublicBytes(topic, key, OutputTime(topic, m), m.SerializeAsString());
  }
  // An output in protobuf binary, `time` its envelope time (OutputTime).
  void PublicBytes(Topic topic, std::string_view key, EpochMillis time,
                   std::string value) {
    ++counters_.outputs;
    const int32_t partition =
        key.empty() ? 0 : PartitionOf(key, config_.engine.order_partitions);
    Produce(output_topics_.at(topic), partition, key, value);  // copies it
    if (timelines_ != nullptr && !key.empty()) {
      timeline_pending_.push_back(
          {true, topic, std::string(key), time, std::move(value)});
    }
  }
  // Copies `value` (nullopt: a tombstone) into the open transaction.
  void Produce(const std::string& topic, int32_t partition,
               std::string_view key,
               std::optional<std::string_view> value);
  // The stage's state changes since the last call, to its changelog in the
  // open transaction.
  void WriteChangedState(StageRuntime& s);

  // Applies what the stage's consumer has (at most kMaxBatch records),
  // waiting up to `timeout_ms` for the first; returns how many records it
  // took.
  int PollStage(StageRuntime& s, int timeout_ms);
  // One record (or consumer error) of PollStage.
  void OnRecord(StageRuntime& s, const rd_kafka_message_t& m);
  std::vector<rd_kafka_message_t*> batch_;  // PollStage's, reused

  // Stage-to-stage routing. While this process holds every partition of
  // both stages, requests and results go straight from one stage to the
  // other inside the transaction (kLocal) instead of through their topics
  // and two more transactions. It may only start once nothing is left in
  // those topics, or a message handed over directly could overtake one
  // still there (a release before its reservation): on the assignment that
  // gives it every partition the host pauses the public inputs (kDraining)
  // and waits until its consumers have reached the end offsets the two
  // topics had when none of its own messages was in flight. Losing any
  // partition goes back to the topics (kTopics).
  enum class Routing { kTopics, kDraining, kLocal };
  void UpdateRouting(int stage_assigned);
  void TryFinishDraining();
  void PausePublicInputs(bool pause);
  // Hands queued stage-to-stage messages to their shards until none is
  // left, first in first out (as engine/pipeline does).
  void DeliverLocal();
  bool IsInternalTopic(const std::string& kafka_name) const {
    return kafka_name == requests_topic_ || kafka_name == results_topic_;
  }
  Routing routing_ = Routing::kTopics;
  Clock::time_point draining_since_;
  using TopicPartitionKey = std::pair<std::string, int32_t>;
  // End offsets to reach (empty: to be taken when none of ours is in
  // flight), and the ends the consumers reported, per internal partition.
  std::map<TopicPartitionKey, int64_t> drain_targets_;
  std::map<TopicPartitionKey, int64_t> ends_seen_;
  std::deque<std::variant<StockRequest, StockAnswer>> local_;
  bool warned_foreign_internal_ = false;
  // The open transaction has produced to a stage-to-stage topic.
  bool internal_in_transaction_ = false;
  int64_t assignments_ = 0;                 // partition assignments so far
  // Whether an input record sits in the partition its key belongs to; if
  // not, it is dead-lettered: the stages find an order, a SKU, only in the
  // partition Kafka's default partitioner gives its key.
  bool InRightPartition(const std::string& short_name,
                        const RecordSource& source);
  void EnsureTransaction();
  // Commits the open transaction: changelogs, offsets, commit. False when
  // it had to be aborted (the caller must rewind).
  bool Commit();
  void Abort();
  // After an abort or a producer rebuild: every shard rebuilt from its
  // changelog, every stage back at its committed offsets.
  absl::Status Rewind();
  absl::Status RestoreShards(StageRuntime& s, const std::set<int>& partitions);
  void Report(bool final);

  // Metrics: what the shards counted joins the totals when its transaction
  // commits, and is dropped when it aborts.
  void KeepCommittedMetrics();
  void DropUncommittedMetrics();
  // Hands a snapshot to board_ (at most about once a second unless `now`).
  void PublishMetrics(bool now);

  const Config config_;
  std::string transactional_id_;
  std::string requests_topic_, results_topic_;
  std::map<Topic, std::string> output_topics_;  // Kafka names of the outputs
  DeliveryReports delivery_reports_;  // outlives the producer
  std::unique_ptr<RdKafka::Producer> producer_;
  // The producer's handle of every topic it writes, by Kafka name; made
  // with the producer, metadata and all (see MakeProducerTopics).
  std::map<std::string, std::unique_ptr<RdKafka::Topic>, std::less<>>
      producer_topics_;
  std::unique_ptr<RdKafka::KafkaConsumer> restorer_;
  // Asks where the stage-to-stage topics end (see TryFinishDraining); never
  // assigned anything, so no fetch of its own waits in front of the
  // question on its connection.
  std::unique_ptr<RdKafka::KafkaConsumer> ends_;
  Wakeup wakeup_;  // outlives the stages' consumers, which write to it
  std::vector<StageRuntime> stages_;
  bool in_transaction_ = false;
  // When the last commit began: the next begins `commit_interval` later
  // at the earliest, so a record waits at most one interval (plus the
  // commit itself), also one that came while the last commit ran, and an
  // idle host commits the first record that comes at once.
  Clock::time_point last_commit_started_{};
  bool produce_failed_ = false;
  bool rewind_needed_ = false;
  absl::Status fatal_ = absl::OkStatus();
  HostCounters counters_;
  CommitDurations commit_durations_;  // of the commits that succeeded
  int64_t slowest_commit_us_ = 0;     // since the last report
  Clock::time_point last_report_ = Clock::now();
  int64_t inputs_at_last_report_ = -1;
  int64_t input_wait_at_last_report_ = 0;
  // ORDERFLOW_FAULT_ABORT_EVERY=N: abort every Nth transaction (tests).
  int64_t abort_every_ = 0;
  int64_t commit_attempts_ = 0;

  MetricsBoard* const board_;
  // Order investigation: the inputs and outputs of the open transaction,
  // recorded when it commits (and dropped when it aborts, to be recorded
  // when they are processed again).
  void RecordCommittedTimelines();
  OrderTimelines* const timelines_;
  std::vector<TimelineFeed::Entry> timeline_pending_;
  // Records them off the host's thread; null without timelines_.
  std::unique_ptr<TimelineFeed> timeline_feed_;
  const EpochMillis started_at_ = WallNow();
  ServiceMetrics committed_metrics_;
  std::map<std::string, int64_t> dead_letters_pending_, dead_letters_committed_;
  Clock::time_point last_publish_{};  // the first loop publishes at once
};

void Rebalancer::rebalance_cb(RdKafka::KafkaConsumer* consumer,
                              RdKafka::ErrorCode err,
                              std::vector<RdKafka::TopicPartition*>& partitions) {
  host_->OnRebalance(stage_, consumer, err, partitions);
}

absl::Status Host::MakeProducer() {
  producer_topics_.clear();  // handles of the producer being replaced
  auto conf = MakeKafkaConf(config_.kafka,
                            {{"transactional.id", transactional_id_},
                             {"enable.idempotence", "true"},
                             {"transaction.timeout.ms", "60000"},
                             {"message.timeout.ms", "55000"},
                             {"linger.ms", "5"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  if ((*conf)->set("dr_cb", &delivery_reports_, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  producer_.reset(RdKafka::Producer::create(conf->get(), error));
  if (!producer_) return absl::InvalidArgumentError(error);
  ErrorPtr e = WithRetries(
      [&] { return producer_->init_transactions(kStartupTimeoutMs); });
  if (e) {
    return absl::UnavailableError(
        Cat("initialising transactions as '", transactional_id_, "' at ",
            config_.kafka.bootstrap_servers, ": ", e->str()));
  }
  return MakeProducerTopics();
}

absl::Status Host::MakeProducerTopics() {
  // A topic the producer first meets in produce() waits for librdkafka's
  // next metadata scan (about a second) before anything is sent to it, and
  // the transaction's commit waits with it; so every topic is looked up
  // here, before the first transaction.
  std::vector<std::string> names = {requests_topic_, results_topic_};
  for (const auto& [t, name] : output_topics_) names.push_back(name);
  for (InternalTopic t :
       {InternalTopic::kOrderChangelog, InternalTopic::kInventoryChangelog}) {
    names.push_back(KafkaTopic(config_.kafka.topic_prefix, t));
  }
  for (const std::string& name : names) {
    std::string error;
    std::unique_ptr<RdKafka::Topic> topic(
        RdKafka::Topic::create(producer_.get(), name, nullptr, error));
    if (!topic) return absl::InternalError(Cat(name, ": ", error));
    RdKafka::Metadata* metadata = nullptr;
    const RdKafka::ErrorCode err =
        producer_->metadata(false, topic.get(), &metadata, kStartupTimeoutMs);
    delete metadata;
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(
          Cat("looking up ", name, ": ", Describe(err)));
    }
    producer_topics_[name] = std::move(topic);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> Host::MakeConsumer(
    const std::string& group_id, RdKafka::RebalanceCb* rebalancer,
    bool partition_eof, std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> settings = {
      {"group.id", group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"isolation.level", "read_committed"},
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", "range"},
      {"enable.partition.eof", partition_eof ? "true" : "false"}};
  for (const auto& [name, value] : extra) settings[name] = value;
  // Read ahead enough to keep the loop busy (consumer_prefetch.h); a
  // kafka.properties entry of the same name replaces a setting.
  for (const auto& [name, value] : kConsumerPrefetch) {
    if (config_.kafka.properties.count(name) == 0) settings.emplace(name, value);
  }
  auto conf = MakeKafkaConf(config_.kafka, settings);
  if (!conf.ok()) return conf.status();
  std::string error;
  if (rebalancer != nullptr &&
      (*conf)->set("rebalance_cb", rebalancer, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return absl::InvalidArgumentError(error);
  return consumer;
}

void Host::AddStage(std::unique_ptr<HostedStage> stage, std::string_view role,
                    std::vector<std::string> short_topics,
                    InternalTopic changelog) {
  StageRuntime s;
  s.stage = std::move(stage);
  s.group_id = Cat(config_.kafka.group_prefix, ".", role);
  for (const std::string& name : short_topics) {
    const std::string full = KafkaTopic(config_.kafka.topic_prefix, name);
    s.topics.push_back(full);
    s.short_names[full] = name;
  }
  s.changelog_topic = KafkaTopic(config_.kafka.topic_prefix, changelog);
  stages_.push_back(std::move(s));
}

absl::Status Host::Start() {
  if (const char* every = std::getenv("ORDERFLOW_FAULT_ABORT_EVERY")) {
    abort_every_ = std::atoll(every);
  }
  // Every property is checked before anything is contacted.
  if (auto conf = MakeKafkaConf(config_.kafka, {}); !conf.ok()) {
    return conf.status();
  }
  if (absl::Status s = CheckTopics(config_, 10000); !s.ok()) return s;
  transactional_id_ =
      Cat(config_.kafka.group_prefix, ".", config_.kafka.instance_id);
  requests_topic_ = KafkaTopic(config_.kafka.topic_prefix,
                               InternalTopic::kAllocationRequests);
  results_topic_ = KafkaTopic(config_.kafka.topic_prefix,
                              InternalTopic::kAllocationResults);
  for (Topic t : {Topic::kOrderStatus, Topic::kDeliveryTasks,
                  Topic::kEscalations, Topic::kDeadLetter}) {
    output_topics_[t] = KafkaTopic(config_.kafka.topic_prefix, t);
  }
  if (absl::Status s = MakeProducer(); !s.ok()) return s;

  AddStage(MakeOrderStage(config_.engine), "order-stage",
           {std::string(ShortName(Topic::kOrders)),
            std::string(ShortName(Topic::kCancellations)),
            std::string(ShortName(Topic::kShipments)),
            std::string(ShortName(Topic::kInvoices)),
            std::string(InternalName(InternalTopic::kAllocationResults))},
           InternalTopic::kOrderChangelog);
  AddStage(MakeInventoryStage(config_.engine), "inventory-stage",
           {std::string(ShortName(Topic::kInventory)),
            std::string(InternalName(InternalTopic::kAllocationRequests))},
           InternalTopic::kInventoryChangelog);
  if (timelines_ != nullptr) {
    stages_[0].stage->ObserveInputs(
        [this](std::string_view topic, const RecordSource& source) {
          const std::optional<Topic> t = TopicByShortName(topic);
          if (!t || source.key.empty()) return;
          timeline_pending_.push_back({false, *t, std::string(source.key),
                                       source.timestamp,
                                       std::string(source.payload)});
        });
  }
  for (size_t i = 0; i < stages_.size(); ++i) {
    StageRuntime& s = stages_[i];
    s.rebalancer = std::make_unique<Rebalancer>(this, static_cast<int>(i));
    // End-of-partition events tell when the stage-to-stage topics are
    // drained (see Routing).
    auto consumer = MakeConsumer(s.group_id, s.rebalancer.get(), true);
    if (!consumer.ok()) return consumer.status();
    s.consumer = *std::move(consumer);
    s.queue.reset(rd_kafka_queue_get_consumer(s.consumer->c_ptr()));
    wakeup_.Watch(s.queue.get());
  }
  // The restorer reads changelogs to their end: a fetch that finds nothing
  // more must come back at once, not after the default half second.
  auto restorer = MakeConsumer(Cat(config_.kafka.group_prefix, ".restore"),
                               nullptr, true, {{"fetch.wait.max.ms", "10"}});
  if (!restorer.ok()) return restorer.status();
  restorer_ = *std::move(restorer);
  auto ends = MakeConsumer(Cat(config_.kafka.group_prefix, ".ends"), nullptr,
                           false, {{"isolation.level", "read_uncommitted"}});
  if (!ends.ok()) return ends.status();
  ends_ = *std::move(ends);
  return absl::OkStatus();
}

void Host::Produce(const std::string& topic, int32_t partition,
                   std::string_view key,
                   std::optional<std::string_view> value) {
  const auto handle = producer_topics_.find(topic);
  if (handle == producer_topics_.end()) {  // every topic written is made
    std::cerr << "run: no producer handle for " << topic
              << "; the transaction will be aborted\n";
    produce_failed_ = true;
    return;
  }
  for (;;) {
    const RdKafka::ErrorCode err = producer_->produce(
        handle->second.get(), partition, RdKafka::Producer::RK_MSG_COPY,
        value ? const_cast<char*>(value->data()) : nullptr,
        value ? value->size() : 0, key.data(), key.size(), nullptr);
    if (err == RdKafka::ERR_NO_ERROR) return;
    if (err == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(50);
      continue;
    }
    std::cerr << "run: producing to " << topic << " failed: " << Describe(err)
              << "; the transaction will be aborted\n";
    produce_failed_ = true;
    return;
  }
}

void Host::EnsureTransaction() {
  if (in_transaction_) return;
  ErrorPtr e = WithRetries([&] { return producer_->begin_transaction(); });
  if (e) {
    fatal_ = absl::InternalError(Cat("beginning a transaction: ", e->str()));
    return;
  }
  in_transaction_ = true;
}

bool Host::Commit() {
  if (!in_transaction_) return true;
  last_commit_started_ = Clock::now();
  if (abort_every_ > 0 && ++commit_attempts_ % abort_every_ == 0) {
    // Fault injection for tests: this transaction is aborted as if the
    // broker had refused it.
    std::cerr << "run: aborting this transaction on purpose (fault injection)\n";
    Abort();
    return false;
  }
  for (StageRuntime& s : stages_) WriteChangedState(s);
  ErrorPtr error;
  if (produce_failed_) {
    Abort();
    return false;
  }
  const auto wait_started = Clock::now();
  for (StageRuntime& s : stages_) {
    if (s.next_offsets.empty()) continue;
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [tp, offset] : s.next_offsets) {
      offsets.push_back(
          RdKafka::TopicPartition::create(*tp.first, tp.second, offset));
    }
    std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(
        s.consumer->groupMetadata());
    error = WithRetries([&] {
      return producer_->send_offsets_to_transaction(offsets, group.get(), -1);
    });
    RdKafka::TopicPartition::destroy(offsets);
    if (error) break;
  }
  if (!error) {
    error = WithRetries([&] { return producer_->commit_transaction(-1); });
  }
  const Clock::time_point ended = Clock::now();
  counters_.commit_wait_us += MicrosBetween(wait_started, ended);
  if (!error) {
    const int64_t took_us = MicrosBetween(last_commit_started_, ended);
    commit_durations_.Add(took_us);
    slowest_commit_us_ = std::max(slowest_commit_us_, took_us);
    in_transaction_ = false;
    internal_in_transaction_ = false;
    ++counters_.commits;
    for (StageRuntime& s : stages_) s.next_offsets.clear();
    KeepCommittedMetrics();
    return true;
  }
  std::cerr << "run: committing failed: " << error->str() << "\n";
  if (error->txn_requires_abort()) {
    Abort();
  } else {
    // Fatal, or nothing librdkafka says can be recovered: a new producer.
    in_transaction_ = false;
    internal_in_transaction_ = false;
    DropUncommittedMetrics();
    ++counters_.producer_rebuilds;
    if (absl::Status s = MakeProducer(); !s.ok()) fatal_ = s;
  }
  return false;
}

void Host::WriteChangedState(StageRuntime& s) {
  s.stage->FlushChanges(
      config_.kafka.event_time,
      [&](int partition, const std::string& key,
          std::optional<std::string_view> value) {
        ++counters_.changelog;
        Produce(s.changelog_topic, partition, key, value);
      });
}

void Host::Abort() {
  ++counters_.aborts;
  internal_in_transaction_ = false;
  DropUncommittedMetrics();
  in_transaction_ = false;
  produce_failed_ = false;
  ErrorPtr e = WithRetries([&] { return producer_->abort_transaction(-1); });
  if (e) {
    std::cerr << "run: aborting failed: " << e->str()
              << "; rebuilding the producer\n";
    ++counters_.producer_rebuilds;
    if (absl::Status s = MakeProducer(); !s.ok()) fatal_ = s;
  }
}

void Host::KeepCommittedMetrics() {
  RecordCommittedTimelines();
  for (StageRuntime& s : stages_) committed_metrics_.Merge(s.stage->TakeMetrics());
  for (const auto& [reason, n] : dead_letters_pending_) {
    dead_letters_committed_[reason] += n;
  }
  dead_letters_pending_.clear();
}

void Host::DropUncommittedMetrics() {
  timeline_pending_.clear();
  for (StageRuntime& s : stages_) s.stage->TakeMetrics();
  dead_letters_pending_.clear();
}

void Host::RecordCommittedTimelines() {
  if (timeline_feed_ == nullptr || timeline_pending_.empty()) return;
  timeline_pending_ = timeline_feed_->Add(std::move(timeline_pending_));
}

void Host::PublishMetrics(bool now) {
  if (board_ == nullptr) return;
  const auto wall = Clock::now();
  if (!now && wall - last_publish_ < std::chrono::seconds(1)) return;
  last_publish_ = wall;
  LiveSnapshot snapshot;
  snapshot.wall_time = WallNow();
  EpochMillis engine_time = 0;
  for (const StageRuntime& s : stages_) {
    engine_time = std::max(engine_time, s.stage->clock());
  }
  if (!config_.kafka.event_time) engine_time = snapshot.wall_time;
  snapshot.metrics.as_of = engine_time;
  if (timelines_ != nullptr) timelines_->Expire(engine_time);
  snapshot.metrics.metrics = committed_metrics_;
  for (const StageRuntime& s : stages_) {
    s.stage->CountBacklog(engine_time, snapshot.metrics.backlog);
  }
  HostStats& h = snapshot.host;
  h.started_at = started_at_;
  h.inputs = counters_.inputs;
  h.outputs = counters_.outputs;
  h.commits = counters_.commits;
  h.aborts = counters_.aborts;
  h.producer_rebuilds = counters_.producer_rebuilds;
  h.restored_records = counters_.restored_records;
  h.dead_letters = dead_letters_committed_;
  h.commit_durations = commit_durations_;
  board_->Publish(std::move(snapshot));
}

absl::Status Host::RestoreShards(StageRuntime& s,
                                 const std::set<int>& partitions) {
  // An empty changelog partition (a new deployment) needs no reading:
  // waiting for the end of nothing costs a fetch round of its own.
  std::set<int> to_read;
  for (int p : partitions) {
    int64_t low = 0, high = 0;
    const RdKafka::ErrorCode err = restorer_->query_watermark_offsets(
        s.changelog_topic, p, &low, &high, kStartupTimeoutMs);
    if (err != RdKafka::ERR_NO_ERROR || high > low) to_read.insert(p);
  }
  if (to_read.empty()) return absl::OkStatus();
  std::vector<RdKafka::TopicPartition*> tps;
  for (int p : to_read) {
    tps.push_back(RdKafka::TopicPartition::create(
        s.changelog_topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  RdKafka::ErrorCode err = restorer_->assign(tps);
  RdKafka::TopicPartition::destroy(tps);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        Cat("reading ", s.changelog_topic, ": ", Describe(err)));
  }
  std::set<int> done;
  const auto deadline = Clock::now() + std::chrono::milliseconds(kRestoreTimeoutMs);
  absl::Status status = absl::OkStatus();
  while (done.size() < to_read.size() && status.ok()) {
    std::unique_ptr<RdKafka::Message> m(restorer_->consume(500));
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR: {
        std::optional<std::string_view> value;
        if (m->payload() != nullptr) {
          value = std::string_view(static_cast<const char*>(m->payload()),
                                   m->len());
        }
        const std::string key = m->key() ? *m->key() : std::string();
        status = s.stage->Restore(m->partition(), key, value);
        ++counters_.restored_records;
        break;
      }
      case RdKafka::ERR__PARTITION_EOF:
        done.insert(m->partition());
        break;
      case RdKafka::ERR__TIMED_OUT:
        if (Clock::now() > deadline) {
          status = absl::DeadlineExceededError(
              Cat("restoring from ", s.changelog_topic, " took over ",
                  kRestoreTimeoutMs / 1000, " s"));
        }
        break;
      default:
        std::cerr << "run: reading " << s.changelog_topic << ": "
                  << m->errstr() << "\n";
        break;
    }
  }
  restorer_->unassign();
  return status;
}

void Host::OnRebalance(int stage, RdKafka::KafkaConsumer* consumer,
                       RdKafka::ErrorCode err,
                       std::vector<RdKafka::TopicPartition*>& partitions) {
  StageRuntime& s = stages_[stage];
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    ++assignments_;
    std::set<int> added;
    for (const RdKafka::TopicPartition* tp : partitions) {
      if (!s.stage->HasShard(tp->partition())) added.insert(tp->partition());
    }
    for (int p : added) s.stage->AddShard(p);
    const auto restore_started = Clock::now();
    const int64_t restored_before = counters_.restored_records;
    if (absl::Status st = RestoreShards(s, added); !st.ok()) fatal_ = st;
    std::cerr << "run: " << s.stage->name() << " stage assigned partitions";
    for (int p : added) std::cerr << " " << p;
    std::cerr << " (" << counters_.restored_records - restored_before
              << " state records restored in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     Clock::now() - restore_started)
                     .count()
              << " ms)\n";
    consumer->assign(partitions);
    UpdateRouting(stage);
    return;
  }
  // Revoked, or lost: what is in flight commits (or, lost, is dropped).
  if (consumer->assignment_lost()) {
    if (in_transaction_) Abort();
    rewind_needed_ = true;
  } else if (!Commit()) {
    rewind_needed_ = true;
  }
  s.stage->DropAll();
  s.next_offsets.clear();
  consumer->unassign();
  UpdateRouting(stage);
}

void Host::UpdateRouting(int stage_changed) {
  // What the changed stage's consumer reported before no longer counts.
  for (const std::string& topic : stages_[stage_changed].topics) {
    for (auto it = ends_seen_.begin(); it != ends_seen_.end();) {
      it = it->first.first == topic ? ends_seen_.erase(it) : std::next(it);
    }
  }
  const bool holds_everything =
      static_cast<int>(stages_[0].stage->partitions().size()) ==
          config_.engine.order_partitions &&
      static_cast<int>(stages_[1].stage->partitions().size()) ==
          config_.engine.inventory_partitions;
  if (!holds_everything) {
    if (routing_ != Routing::kTopics) {
      std::cerr << "run: stage-to-stage messages go through their topics\n";
    }
    routing_ = Routing::kTopics;
    return;
  }
  routing_ = Routing::kDraining;
  draining_since_ = Clock::now();
  drain_targets_.clear();
  PausePublicInputs(true);
}

void Host::PausePublicInputs(bool pause) {
  for (StageRuntime& s : stages_) {
    std::vector<RdKafka::TopicPartition*> assigned, public_inputs;
    s.consumer->assignment(assigned);
    for (RdKafka::TopicPartition* tp : assigned) {
      if (!IsInternalTopic(tp->topic())) public_inputs.push_back(tp);
    }
    if (pause) {
      s.consumer->pause(public_inputs);
    } else {
      s.consumer->resume(public_inputs);
    }
    RdKafka::TopicPartition::destroy(assigned);
  }
}

void Host::TryFinishDraining() {
  constexpr auto kGiveUpAfter = std::chrono::seconds(30);
  if (Clock::now() - draining_since_ > kGiveUpAfter) {
    std::cerr << "run: the stage-to-stage topics did not drain in "
              << kGiveUpAfter.count() << " s; their messages keep going "
              << "through them\n";
    routing_ = Routing::kTopics;
    PausePublicInputs(false);
    return;
  }
  if (drain_targets_.empty()) {
    // Only once none of ours is in flight (uncommitted, maybe not even
    // sent): then the ends now are all there is to read. Producing one
    // clears the targets.
    //
    // The ends are the high watermarks, with the records of transactions
    // whose commit markers are not written yet: the coordinator answers a
    // commit before it writes them, so the last stable offset (what a
    // read_committed client is told) may still stop short of the
    // transaction just committed. The consumers' end-of-partition events
    // come at the last stable offset, which reaches the high watermark
    // once the markers are written.
    //
    // They are asked of a client that fetches nothing: a stage consumer's
    // connection has a fetch waiting up to fetch.wait.max.ms in front of
    // each question, and the loop waits for the answers.
    if (internal_in_transaction_) return;
    // Each topic and its partition count.
    const std::pair<const std::string*, int> internal[] = {
        {&requests_topic_, config_.engine.inventory_partitions},
        {&results_topic_, config_.engine.order_partitions}};
    for (const auto& [topic, partitions] : internal) {
      for (int p = 0; p < partitions; ++p) {
        int64_t low = 0, high = 0;
        const RdKafka::ErrorCode err =
            ends_->query_watermark_offsets(*topic, p, &low, &high, 5000);
        if (err != RdKafka::ERR_NO_ERROR) {
          drain_targets_.clear();  // try again on the next round
          return;
        }
        drain_targets_[{*topic, p}] = high;
      }
    }
  }
  for (const auto& [tp, target] : drain_targets_) {
    const auto seen = ends_seen_.find(tp);
    if (target > 0 && (seen == ends_seen_.end() || seen->second < target)) {
      return;
    }
  }
  routing_ = Routing::kLocal;
  PausePublicInputs(false);
  std::cerr << "run: this process holds every partition of both stages: "
               "stage-to-stage messages now stay in it\n";
}

void Host::DeliverLocal() {
  while (!local_.empty()) {
    auto message = std::move(local_.front());
    local_.pop_front();
    ++counters_.local;
    if (const auto* request = std::get_if<StockRequest>(&message)) {
      stages_[1].stage->ApplyAllocationRequest(
          PartitionOf(request->sku, config_.engine.inventory_partitions),
          *request, *this);
    } else {
      const auto& result = std::get<StockAnswer>(message);
      stages_[0].stage->ApplyAllocationResult(
          PartitionOf(result.order_id, config_.engine.order_partitions),
          result, *this);
    }
  }
}

absl::Status Host::Rewind() {
  rewind_needed_ = false;
  for (StageRuntime& s : stages_) {
    s.next_offsets.clear();
    std::vector<RdKafka::TopicPartition*> assigned;
    s.consumer->assignment(assigned);
    // OFFSET_INVALID: fetch from the committed offset.
    for (RdKafka::TopicPartition* tp : assigned) {
      tp->set_offset(RdKafka::Topic::OFFSET_INVALID);
    }
    s.consumer->assign(assigned);
    RdKafka::TopicPartition::destroy(assigned);
    const std::vector<int> partitions = s.stage->partitions();
    s.stage->DropAll();
    for (int p : partitions) s.stage->AddShard(p);
    absl::Status st = RestoreShards(
        s, std::set<int>(partitions.begin(), partitions.end()));
    if (!st.ok()) return st;
  }
  local_.clear();
  ends_seen_.clear();  // the consumers read from the committed offsets again
  if (routing_ == Routing::kDraining) UpdateRouting(0);
  std::cerr << "run: rewound to the committed offsets and state\n";
  return absl::OkStatus();
}

bool Host::InRightPartition(const std::string& short_name,
                            const RecordSource& source) {
  // Stage-to-stage topics (no public name) are written by orderflow itself.
  const std::optional<Topic> topic = TopicByShortName(short_name);
  if (!topic || source.key.empty()) return true;
  const int32_t expected =
      PartitionOf(source.key, PartitionCount(*topic, config_.engine));
  if (expected == source.partition) return true;
  DeadLetter(source, "WRONG_PARTITION",
             Cat("key '", source.key, "' belongs in partition ", expected,
                 " (Kafka's default murmur2 partitioner, as Java clients use; "
                 "librdkafka clients need partitioner=murmur2_random), not ",
                 source.partition),
             WallNow(), *this);
  return false;
}

int Host::PollStage(StageRuntime& s, int timeout_ms) {
  // A batch from librdkafka's queue rather than consume() per record: no
  // message object, lock and clock reading per record. Rebalance callbacks
  // run inside the call; records taken before an assignment in the same
  // call may belong to the partitions' previous life, so such a batch is
  // not applied and the stage rewinds to the committed offsets instead.
  batch_.resize(kMaxBatch);
  const int64_t assignments_before = assignments_;
  const ssize_t n = rd_kafka_consume_batch_queue(s.queue.get(), timeout_ms,
                                                 batch_.data(), batch_.size());
  if (n <= 0) return 0;
  const bool reassigned = assignments_ != assignments_before;
  if (reassigned) rewind_needed_ = true;
  for (ssize_t i = 0; i < n; ++i) {
    if (!reassigned) OnRecord(s, *batch_[i]);
    rd_kafka_message_destroy(batch_[i]);
  }
  return static_cast<int>(n);
}

void Host::OnRecord(StageRuntime& s, const rd_kafka_message_t& m) {
  switch (m.err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      break;
    case RD_KAFKA_RESP_ERR__PARTITION_EOF: {
      const std::string topic = rd_kafka_topic_name(m.rkt);
      if (IsInternalTopic(topic)) ends_seen_[{topic, m.partition}] = m.offset;
      return;
    }
    case RD_KAFKA_RESP_ERR__FATAL:
      fatal_ = absl::InternalError(
          Cat(s.group_id, ": ", rd_kafka_message_errstr(&m)));
      return;
    default:
      std::cerr << "run: " << s.stage->name()
                << " consumer: " << rd_kafka_message_errstr(&m) << "\n";
      return;
  }
  if (!fatal_.ok() || rewind_needed_) return;  // applied again after rewind
  if (!s.stage->HasShard(m.partition)) return;  // not ours any more
  EnsureTransaction();
  if (!fatal_.ok()) return;
  const std::string_view topic = rd_kafka_topic_name(m.rkt);
  const auto name = s.short_names.find(topic);
  if (name == s.short_names.end()) return;  // subscribed to none other
  RecordSource source;
  source.topic = topic;
  source.partition = m.partition;
  source.offset = m.offset;
  source.key = m.key != nullptr
                   ? std::string_view(static_cast<const char*>(m.key), m.key_len)
                   : std::string_view();
  source.payload = m.payload != nullptr
                       ? std::string_view(static_cast<const char*>(m.payload), m.len)
                       : std::string_view();
  source.timestamp = rd_kafka_message_timestamp(&m, nullptr);
  const std::string& short_name = name->second;
  if (routing_ == Routing::kLocal && !warned_foreign_internal_ &&
      IsInternalTopic(name->first)) {
    warned_foreign_internal_ = true;
    std::cerr << "run: a stage-to-stage record in " << name->first << "["
              << m.partition << "] while this process holds every partition "
              << "(written by a process that has left?); applied\n";
  }
  if (InRightPartition(short_name, source)) {
    s.stage->Apply(short_name, source, config_.kafka.event_time, *this);
    DeliverLocal();
  }
  s.next_offsets[{&name->first, m.partition}] = m.offset + 1;
  ++counters_.inputs;
}

void Host::Report(bool final) {
  const auto now = Clock::now();
  if (!final && now - last_report_ < std::chrono::seconds(10)) return;
  // How much of the time since the last report the loop waited for
  // records: near 0 % the engine is what limits the rate.
  const int64_t since_us = MicrosBetween(last_report_, now);
  const int64_t waited_us = counters_.input_wait_us - input_wait_at_last_report_;
  input_wait_at_last_report_ = counters_.input_wait_us;
  last_report_ = now;
  const int64_t slowest_commit_us = slowest_commit_us_;
  slowest_commit_us_ = 0;
  std::cerr << "run: " << counters_.inputs << " inputs, " << counters_.outputs
            << " outputs, " << counters_.commits << " commits ("
            << (counters_.commits > 0
                    ? counters_.commit_wait_us / 1000 / counters_.commits
                    : 0)
            << " ms each waiting for the broker; the slowest since the last "
               "report took "
            << slowest_commit_us / 1000 << " ms), " << counters_.aborts
            << " aborts, " << counters_.restored_records
            << " state records restored, " << counters_.internal
            << " stage-to-stage messages through Kafka and " << counters_.local
            << " in-process; waited for records "
            << (since_us > 0 ? std::min<int64_t>(100, waited_us * 100 / since_us) : 0)
            << " % of the time since the last report";
  if (delivery_reports_.failed > 0) {
    std::cerr << ", " << delivery_reports_.failed << " records not delivered";
  }
  std::cerr << "\n";
  const bool stalled = counters_.inputs == inputs_at_last_report_;
  inputs_at_last_report_ = counters_.inputs;
  if (final || !stalled) return;
  // Nothing came in for a while: say where each partition stands, so that
  // a stuck partition (e.g. an open transaction holding back the last
  // stable offset) can be told from an idle one.
  for (StageRuntime& st : stages_) {
    std::vector<RdKafka::TopicPartition*> assigned;
    st.consumer->assignment(assigned);
    st.consumer->position(assigned);
    for (RdKafka::TopicPartition* tp : assigned) {
      int64_t low = 0, high = 0;
      st.consumer->get_watermark_offsets(tp->topic(), tp->partition(), &low,
                                         &high);
      if (tp->offset() >= 0 && tp->offset() < high) {
        std::cerr << "run: waiting: " << tp->topic() << "[" << tp->partition()
                  << "] at " << tp->offset() << " of " << high << "\n";
      }
    }
    RdKafka::TopicPartition::destroy(assigned);
  }
}

absl::Status Host::Run(const std::atomic<bool>& stop) {
  for (StageRuntime& s : stages_) {
    RdKafka::ErrorCode err = s.consumer->subscribe(s.topics);
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(
          Cat("subscribing ", s.group_id, ": ", Describe(err)));
    }
  }
  std::cerr << "run: transactional id " << transactional_id_ << ", groups "
            << stages_[0].group_id << " and " << stages_[1].group_id << ", "
            << (config_.kafka.event_time ? "event" : "wall") << " clock\n";
  const auto interval = std::chrono::milliseconds(config_.kafka.commit_interval);
  while (!stop.load() && fatal_.ok()) {
    if (routing_ == Routing::kDraining) TryFinishDraining();
    if (!config_.kafka.event_time) {
      const EpochMillis now = WallNow();
      for (StageRuntime& s : stages_) {
        if (s.stage->HasDueTimer(now)) EnsureTransaction();
        s.stage->AdvanceClock(now, *this);
        DeliverLocal();
      }
    }
    // Take what is there without waiting; when both stages are idle, wait
    // a little for either to get something.
    int applied = 0;
    for (StageRuntime& s : stages_) applied += PollStage(s, 0);
    if (applied == 0) {
      const auto wait_started = Clock::now();
      wakeup_.Wait(5);
      counters_.input_wait_us += MicrosBetween(wait_started, Clock::now());
    }
    if (rewind_needed_) {
      if (in_transaction_) Abort();
      if (absl::Status st = Rewind(); !st.ok()) fatal_ = st;
      continue;
    }
    if (applied > 0 && in_transaction_) {
      for (StageRuntime& s : stages_) {
        if (s.stage->FlushesEachBatch()) WriteChangedState(s);
      }
    }
    if (in_transaction_ && Clock::now() - last_commit_started_ >= interval) {
      if (!Commit()) {
        if (absl::Status st = Rewind(); !st.ok()) fatal_ = st;
      }
    }
    producer_->poll(0);  // delivery reports
    Report(false);
    PublishMetrics(false);
  }
  if (fatal_.ok() && !Commit()) {
    std::cerr << "run: the last transaction was aborted; its input will be "
                 "processed again by whoever takes over\n";
  }
  if (timeline_feed_ != nullptr) timeline_feed_->Flush();
  PublishMetrics(true);
  for (StageRuntime& s : stages_) s.consumer->close();
  restorer_->close();
  ends_->close();
  Report(true);
  return fatal_;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaHost>> KafkaHost::Create(
    const Config& config, MetricsBoard* metrics, OrderTimelines* timelines) {
  auto host = std::make_unique<Host>(config, metrics, timelines);
  if (absl::Status s = host->Start(); !s.ok()) return s;
  return std::unique_ptr<KafkaHost>(std::move(host));
}

}  // namespace orderflow
