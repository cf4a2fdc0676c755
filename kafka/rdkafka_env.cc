#include "kafka/rdkafka_env.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>
#include <utility>

#include "engine/text.h"
#include "kafka/consumer_prefetch.h"
#include "kafka/kafka_client.h"
#include "kafka/kafka_errors.h"
#include "kafka/topics_admin.h"
#include "platform/wall_clock.h"
#include "librdkafka/rdkafka.h"
#include "librdkafka/rdkafkacpp.h"

namespace orderflow {
namespace {

constexpr int kStartupTimeoutMs = 30000;

// Errors that refuse a record for what it is (kafka_errors.h,
// IsRefused): produced again, it is refused again.
bool RefusesTheRecord(RdKafka::ErrorCode code) {
  return code == RdKafka::ERR_MSG_SIZE_TOO_LARGE ||
         code == RdKafka::ERR_RECORD_LIST_TOO_LARGE ||
         code == RdKafka::ERR_INVALID_RECORD;
}

// An RdKafka::Error as the seam's status (kafka_env.h): retriable,
// abortable or fatal. One that is both retriable and abortable is
// retriable, marked abortable for when the retries run out. One that
// refuses a record is marked so too.
absl::Status ToStatus(const RdKafka::Error& e) {
  absl::Status s;
  if (e.is_retriable()) {
    s = absl::UnavailableError(e.str());
    if (e.txn_requires_abort()) MarkAbortable(s);
  } else if (e.txn_requires_abort()) {
    s = absl::AbortedError(e.str());
  } else {
    s = absl::InternalError(e.str());
  }
  if (RefusesTheRecord(e.code())) MarkRefused(s);
  return s;
}

absl::Status Checked(RdKafka::Error* error) {
  ErrorPtr e(error);
  return e ? ToStatus(*e) : absl::OkStatus();
}

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

std::vector<RdKafka::TopicPartition*> ToRd(
    const std::vector<TopicPartitionOffset>& partitions) {
  std::vector<RdKafka::TopicPartition*> tps;
  tps.reserve(partitions.size());
  for (const TopicPartitionOffset& p : partitions) {
    tps.push_back(
        RdKafka::TopicPartition::create(p.topic, p.partition, p.offset));
  }
  return tps;
}

std::vector<TopicPartitionOffset> FromRd(
    const std::vector<RdKafka::TopicPartition*>& tps) {
  std::vector<TopicPartitionOffset> partitions;
  partitions.reserve(tps.size());
  for (const RdKafka::TopicPartition* tp : tps) {
    partitions.push_back({tp->topic(), tp->partition(), tp->offset()});
  }
  return partitions;
}

class RdGroupMetadata : public GroupMetadata {
 public:
  explicit RdGroupMetadata(RdKafka::ConsumerGroupMetadata* m) : metadata(m) {}
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> metadata;
};

class RdConsumer : public StageConsumer, public RdKafka::RebalanceCb {
 public:
  // `reset_offset`: where a partition the group never committed starts
  // (the consumer's auto.offset.reset); `instance_id`: its
  // group.instance.id, if any.
  RdConsumer(ConsumerEvents* events, int64_t reset_offset,
             std::string instance_id)
      : events_(events),
        reset_offset_(reset_offset),
        instance_id_(std::move(instance_id)) {}
  ~RdConsumer() override {
    ReleaseBatch();
    queue_.reset();  // before the consumer
  }

  // Takes the consumer made with this as its rebalance callback.
  void Attach(std::unique_ptr<RdKafka::KafkaConsumer> consumer) {
    consumer_ = std::move(consumer);
    queue_.reset(rd_kafka_queue_get_consumer(consumer_->c_ptr()));
  }
  rd_kafka_queue_t* queue() { return queue_.get(); }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      events_->OnAssigned(*this, FromRd(partitions));
    } else {
      events_->OnRevoked(*this, consumer->assignment_lost());
    }
  }

  absl::Status Subscribe(const std::vector<std::string>& topics) override {
    const RdKafka::ErrorCode err = consumer_->subscribe(topics);
    if (err != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(Describe(err));
    return absl::OkStatus();
  }

  // A batch from librdkafka's queue rather than consume() per record: no
  // message object, lock and clock reading per record.
  absl::Span<const ConsumedRecord> PollBatch(int timeout_ms,
                                             int max_records) override {
    ReleaseBatch();
    messages_.resize(max_records);
    const ssize_t n = rd_kafka_consume_batch_queue(
        queue_.get(), timeout_ms, messages_.data(), messages_.size());
    taken_ = n > 0 ? static_cast<size_t>(n) : 0;
    if (records_.size() < taken_) records_.resize(taken_);
    for (size_t i = 0; i < taken_; ++i) Convert(*messages_[i], records_[i]);
    return absl::Span<const ConsumedRecord>(records_.data(), taken_);
  }

  absl::Status Assign(const std::vector<TopicPartitionOffset>& partitions) override {
    std::vector<RdKafka::TopicPartition*> tps = ToRd(partitions);
    const RdKafka::ErrorCode err = consumer_->assign(tps);
    RdKafka::TopicPartition::destroy(tps);
    if (err != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(Describe(err));
    return absl::OkStatus();
  }
  absl::Status Unassign() override {
    const RdKafka::ErrorCode err = consumer_->unassign();
    if (err != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(Describe(err));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<TopicPartitionOffset>> Committed(
      const std::vector<TopicPartitionOffset>& partitions,
      int timeout_ms) override {
    std::vector<RdKafka::TopicPartition*> tps = ToRd(partitions);
    const RdKafka::ErrorCode err = consumer_->committed(tps, timeout_ms);
    absl::Status status = absl::OkStatus();
    if (err != RdKafka::ERR_NO_ERROR) {
      status = CommittedError(err, "");
    } else {
      // Each partition may have failed on its own (an offset not stable
      // yet behind an open transaction).
      for (const RdKafka::TopicPartition* tp : tps) {
        if (tp->err() != RdKafka::ERR_NO_ERROR) {
          status = CommittedError(
              tp->err(), Cat(" (", tp->topic(), "[", tp->partition(), "])"));
          break;
        }
      }
    }
    std::vector<TopicPartitionOffset> committed = FromRd(tps);
    RdKafka::TopicPartition::destroy(tps);
    if (!status.ok()) return status;
    for (TopicPartitionOffset& tp : committed) {
      if (tp.offset < 0) tp.offset = reset_offset_;
    }
    return committed;
  }
  std::vector<TopicPartitionOffset> Assignment() override {
    std::vector<RdKafka::TopicPartition*> assigned;
    consumer_->assignment(assigned);
    consumer_->position(assigned);
    std::vector<TopicPartitionOffset> partitions = FromRd(assigned);
    RdKafka::TopicPartition::destroy(assigned);
    return partitions;
  }
  void Pause(const std::vector<TopicPartitionOffset>& partitions) override {
    std::vector<RdKafka::TopicPartition*> tps = ToRd(partitions);
    consumer_->pause(tps);
    RdKafka::TopicPartition::destroy(tps);
  }
  void Resume(const std::vector<TopicPartitionOffset>& partitions) override {
    std::vector<RdKafka::TopicPartition*> tps = ToRd(partitions);
    consumer_->resume(tps);
    RdKafka::TopicPartition::destroy(tps);
  }
  absl::StatusOr<Watermarks> QueryWatermarks(const std::string& topic,
                                             int32_t partition,
                                             int timeout_ms) override {
    Watermarks w;
    const RdKafka::ErrorCode err = consumer_->query_watermark_offsets(
        topic, partition, &w.low, &w.high, timeout_ms);
    if (err != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(Describe(err));
    return w;
  }
  Watermarks CachedWatermarks(const std::string& topic,
                              int32_t partition) override {
    Watermarks w;
    consumer_->get_watermark_offsets(topic, partition, &w.low, &w.high);
    return w;
  }
  std::unique_ptr<GroupMetadata> group_metadata() override {
    return std::make_unique<RdGroupMetadata>(consumer_->groupMetadata());
  }
  void Close() override {
    ReleaseBatch();
    consumer_->close();
  }

 private:
  // A failed question for committed offsets: Unavailable when the
  // coordinator may answer if asked again.
  static absl::Status CommittedError(RdKafka::ErrorCode err,
                                     const std::string& where) {
    const std::string message =
        Cat("fetching the committed offsets", where, ": ", Describe(err));
    switch (err) {
      case RdKafka::ERR_NOT_COORDINATOR:
      case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
      case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
      case RdKafka::ERR_UNSTABLE_OFFSET_COMMIT:
      case RdKafka::ERR_REQUEST_TIMED_OUT:
      case RdKafka::ERR_NETWORK_EXCEPTION:
      case RdKafka::ERR__WAIT_COORD:
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__TRANSPORT:
      case RdKafka::ERR__ALL_BROKERS_DOWN:
      case RdKafka::ERR__OUTDATED:
        return absl::UnavailableError(message);
      default:
        return absl::InternalError(message);
    }
  }
  void ReleaseBatch() {
    for (size_t i = 0; i < taken_; ++i) rd_kafka_message_destroy(messages_[i]);
    taken_ = 0;
  }
  void Convert(const rd_kafka_message_t& m, ConsumedRecord& r) {
    r.topic = m.rkt != nullptr ? std::string_view(rd_kafka_topic_name(m.rkt))
                               : std::string_view();
    r.partition = m.partition;
    r.offset = m.offset;
    switch (m.err) {
      case RD_KAFKA_RESP_ERR_NO_ERROR:
        r.kind = ConsumedRecord::Kind::kRecord;
        break;
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        r.kind = ConsumedRecord::Kind::kPartitionEnd;
        return;
      case RD_KAFKA_RESP_ERR__FATAL:
        r.kind = ConsumedRecord::Kind::kFatal;
        r.error = DescribeFatal();
        return;
      default:
        r.kind = ConsumedRecord::Kind::kError;
        r.error = rd_kafka_message_errstr(&m);
        return;
    }
    r.key = m.key != nullptr
                ? std::string_view(static_cast<const char*>(m.key), m.key_len)
                : std::string_view();
    r.null_value = m.payload == nullptr;
    r.value = m.payload != nullptr
                  ? std::string_view(static_cast<const char*>(m.payload), m.len)
                  : std::string_view();
    r.timestamp = rd_kafka_message_timestamp(&m, nullptr);
  }

  // The consumer's fatal error. librdkafka raises one on a consumer only
  // when its static member (group.instance.id) is fenced: another member
  // joined with the same group.instance.id, i.e. another process with the
  // same kafka.instance_id, or this consumer's own rejoin after its
  // session timed out on its side (a broker restart, say). The host tells
  // the two apart (consumers/host.h, OnFenced).
  std::string_view DescribeFatal() {
    char reason[512] = "";
    const rd_kafka_resp_err_t err =
        rd_kafka_fatal_error(consumer_->c_ptr(), reason, sizeof reason);
    fatal_error_ = reason;
    if (err == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID) {
      fatal_error_ = Cat("fenced: a member joined the group as group.instance.id '",
                         instance_id_, "' (", reason, ")");
    }
    return fatal_error_;
  }

  ConsumerEvents* const events_;
  const int64_t reset_offset_;
  const std::string instance_id_;  // group.instance.id, if any
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string fatal_error_;
  struct QueueRelease {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  };
  std::unique_ptr<rd_kafka_queue_t, QueueRelease> queue_;
  std::vector<rd_kafka_message_t*> messages_;  // the batch, reused
  size_t taken_ = 0;                           // held until the next poll
  std::vector<ConsumedRecord> records_;
};

class RdProducer : public TransactionalProducer {
 public:
  explicit RdProducer(std::unique_ptr<RdKafka::Producer> producer)
      : producer_(std::move(producer)) {}
  ~RdProducer() override { topics_.clear(); }  // before the producer

  absl::Status InitTransactions() override {
    return Checked(producer_->init_transactions(kStartupTimeoutMs));
  }
  absl::Status LookUpTopics(const std::vector<std::string>& names) override {
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
        return absl::UnavailableError(Cat("looking up ", name, ": ", Describe(err)));
      }
      topics_[name] = std::move(topic);
    }
    return absl::OkStatus();
  }
  absl::Status BeginTransaction() override {
    return Checked(producer_->begin_transaction());
  }
  absl::Status Produce(const std::string& topic, int32_t partition,
                       std::string_view key,
                       std::optional<std::string_view> value) override {
    const auto handle = topics_.find(topic);
    if (handle == topics_.end()) {
      return absl::NotFoundError("no producer handle for the topic");
    }
    for (;;) {
      const RdKafka::ErrorCode err = producer_->produce(
          handle->second.get(), partition, RdKafka::Producer::RK_MSG_COPY,
          value ? const_cast<char*>(value->data()) : nullptr,
          value ? value->size() : 0, key.data(), key.size(), nullptr);
      if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
      if (err != RdKafka::ERR__QUEUE_FULL) {
        absl::Status s = absl::InternalError(Describe(err));
        if (RefusesTheRecord(err)) MarkRefused(s);
        return s;
      }
      producer_->poll(50);
    }
  }
  absl::Status SendOffsets(const std::vector<TopicPartitionOffset>& offsets,
                           const GroupMetadata& group) override {
    std::vector<RdKafka::TopicPartition*> tps = ToRd(offsets);
    absl::Status s = Checked(producer_->send_offsets_to_transaction(
        tps, static_cast<const RdGroupMetadata&>(group).metadata.get(), -1));
    RdKafka::TopicPartition::destroy(tps);
    return s;
  }
  absl::Status CommitTransaction() override {
    return Checked(producer_->commit_transaction(-1));
  }
  absl::Status AbortTransaction() override {
    return Checked(producer_->abort_transaction(-1));
  }
  void Poll() override { producer_->poll(0); }

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
  // The handle of every topic it writes, by Kafka name.
  std::map<std::string, std::unique_ptr<RdKafka::Topic>, std::less<>> topics_;
};

class RdKafkaEnv : public KafkaEnv {
 public:
  explicit RdKafkaEnv(const Config& config) : config_(config) {}

  absl::Status CheckTopics() override {
    return orderflow::CheckTopics(config_, 10000);
  }

  absl::StatusOr<std::unique_ptr<TransactionalProducer>> NewProducer(
      const std::string& transactional_id) override {
    auto conf = MakeKafkaConf(config_.kafka,
                              {{"transactional.id", transactional_id},
                               {"enable.idempotence", "true"},
                               {"transaction.timeout.ms", "60000"},
                               {"message.timeout.ms", "55000"},
                               {"linger.ms", "5"}});
    if (!conf.ok()) return conf.status();
    std::string error;
    if ((*conf)->set("dr_cb", &delivery_reports_, error) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(error);
    }
    std::unique_ptr<RdKafka::Producer> producer(
        RdKafka::Producer::create(conf->get(), error));
    if (!producer) return absl::InvalidArgumentError(error);
    return std::make_unique<RdProducer>(std::move(producer));
  }

  absl::StatusOr<std::unique_ptr<StageConsumer>> NewConsumer(
      const ConsumerOptions& options) override {
    std::map<std::string, std::string> settings = {
        {"group.id", options.group_id},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"isolation.level", "read_committed"},
        {"auto.offset.reset", "earliest"},
        {"partition.assignment.strategy", "range"},
        {"enable.partition.eof", options.partition_eof ? "true" : "false"}};
    for (const auto& [name, value] : options.settings) settings[name] = value;
    // Read ahead enough to keep the loop busy (consumer_prefetch.h); a
    // kafka.properties entry of the same name replaces a setting.
    for (const auto& [name, value] : kConsumerPrefetch) {
      if (config_.kafka.properties.count(name) == 0) settings.emplace(name, value);
    }
    auto conf = MakeKafkaConf(config_.kafka, settings);
    if (!conf.ok()) return conf.status();
    const std::string& reset = settings.at("auto.offset.reset");
    const bool from_end =
        reset == "latest" || reset == "largest" || reset == "end";
    const auto instance = settings.find("group.instance.id");
    auto consumer = std::make_unique<RdConsumer>(
        options.events, from_end ? kEndOffset : kBeginningOffset,
        instance != settings.end() ? instance->second : "");
    std::string error;
    if (options.events != nullptr &&
        (*conf)->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(consumer.get()),
                     error) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(error);
    }
    std::unique_ptr<RdKafka::KafkaConsumer> made(
        RdKafka::KafkaConsumer::create(conf->get(), error));
    if (!made) return absl::InvalidArgumentError(error);
    consumer->Attach(std::move(made));
    if (options.wakes_host) wakeup_.Watch(consumer->queue());
    return consumer;
  }

  void WaitForRecords(int timeout_ms) override { wakeup_.Wait(timeout_ms); }
  int64_t undelivered_records() const override { return delivery_reports_.failed; }

  Clock::time_point Now() override { return Clock::now(); }
  EpochMillis WallMillis() override { return WallClockMillis(); }
  void SleepFor(std::chrono::milliseconds duration) override {
    std::this_thread::sleep_for(duration);
  }

 private:
  const Config config_;
  DeliveryReports delivery_reports_;  // outlives the producers
  Wakeup wakeup_;                     // outlives the consumers
};

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaEnv>> NewRdKafkaEnv(const Config& config) {
  if (auto conf = MakeKafkaConf(config.kafka, {}); !conf.ok()) {
    return conf.status();
  }
  return std::make_unique<RdKafkaEnv>(config);
}

}  // namespace orderflow
