// What the Kafka host asks of Kafka and of the clock, as one small
// interface, so that tests can drive the host without a broker (a fake
// that refuses a commit, fences the producer, takes partitions away in the
// middle of a poll, or moves the clock), as LevelDB's Env lets a test
// break a disk. NewRdKafkaEnv (kafka/rdkafka_env.h) is the real one.
//
// Errors are absl::Status, and what the host does with one depends only
// on its code:
//   Unavailable  retriable: the same call may succeed if made again;
//   Aborted      abortable: the transaction must be aborted, the producer
//                goes on;
//   any other    fatal for the producer (fenced, or nothing librdkafka
//                says can be recovered): a new producer is needed.
//
// A consumer's rebalance events are delivered to its ConsumerEvents inside
// PollBatch, as librdkafka delivers them inside a poll; the events must
// assign or unassign (Assign, Unassign) before they return.
#ifndef ORDERFLOW_KAFKA_KAFKA_ENV_H_
#define ORDERFLOW_KAFKA_KAFKA_ENV_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/time.h"

namespace orderflow {

// Assign at this offset: from the group's committed offset.
inline constexpr int64_t kCommittedOffset = -1001;
// Assign at this offset: from the partition's first record.
inline constexpr int64_t kBeginningOffset = -2;
// Assign at this offset: from the partition's end (what comes next).
inline constexpr int64_t kEndOffset = -1;

struct TopicPartitionOffset {
  std::string topic;  // the Kafka name
  int32_t partition = 0;
  int64_t offset = kCommittedOffset;
};

struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;  // the offset after the partition's last record
};

// One item a consumer's poll returns. The views are valid until the
// consumer's next PollBatch.
struct ConsumedRecord {
  enum class Kind {
    kRecord,
    kPartitionEnd,  // the consumer reached the partition's end at `offset`
    kError,         // `error` says what; the consumer goes on
    kFatal,         // the consumer cannot go on
  };
  Kind kind = Kind::kRecord;
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  bool null_value = false;  // a tombstone (value is empty)
  int64_t timestamp = 0;    // milliseconds since the epoch
  std::string_view error;
};

// The group's generation, to send offsets with (TransactionalProducer).
class GroupMetadata {
 public:
  virtual ~GroupMetadata() = default;
};

class StageConsumer;

// A consumer group member's rebalance events.
class ConsumerEvents {
 public:
  virtual ~ConsumerEvents() = default;
  // `partitions` were assigned; call consumer.Assign(partitions).
  virtual void OnAssigned(StageConsumer& consumer,
                          const std::vector<TopicPartitionOffset>& partitions) = 0;
  // The assignment is taken away: revoked (the member may still commit
  // what it consumed) or `lost` (it may not). Call consumer.Unassign().
  virtual void OnRevoked(StageConsumer& consumer, bool lost) = 0;
};

class StageConsumer {
 public:
  virtual ~StageConsumer() = default;

  virtual absl::Status Subscribe(const std::vector<std::string>& topics) = 0;
  // Takes up to `max_records` records and events, waiting up to
  // `timeout_ms` for the first (an empty span: none came). Rebalance
  // events run inside the call; the span stays valid until the next call.
  virtual absl::Span<const ConsumedRecord> PollBatch(int timeout_ms,
                                                     int max_records) = 0;
  virtual absl::Status Assign(
      const std::vector<TopicPartitionOffset>& partitions) = 0;
  virtual absl::Status Unassign() = 0;
  // The group's committed offset of each of `partitions` (their offsets
  // are not looked at), asked of the group's coordinator, waiting up to
  // `timeout_ms`. A partition the group never committed comes back at the
  // offset the consumer's reset policy starts from (kBeginningOffset or
  // kEndOffset). Assigning at kCommittedOffset leaves this question to the
  // client, which does not ask again when it fails as a whole (the
  // partitions stay assigned and are never fetched); asked here, a failure
  // is the caller's to retry: Unavailable when the coordinator could not
  // answer (moved, loading, not reachable in time).
  virtual absl::StatusOr<std::vector<TopicPartitionOffset>> Committed(
      const std::vector<TopicPartitionOffset>& partitions, int timeout_ms) = 0;
  // The partitions assigned, at the offsets the consumer will read next
  // (negative: none read yet).
  virtual std::vector<TopicPartitionOffset> Assignment() = 0;
  virtual void Pause(const std::vector<TopicPartitionOffset>& partitions) = 0;
  virtual void Resume(const std::vector<TopicPartitionOffset>& partitions) = 0;
  // Asks the broker, waiting up to `timeout_ms`.
  virtual absl::StatusOr<Watermarks> QueryWatermarks(const std::string& topic,
                                                     int32_t partition,
                                                     int timeout_ms) = 0;
  // What the consumer last heard, without asking.
  virtual Watermarks CachedWatermarks(const std::string& topic,
                                      int32_t partition) = 0;
  virtual std::unique_ptr<GroupMetadata> group_metadata() = 0;
  // Leaves the group.
  virtual void Close() = 0;
};

class TransactionalProducer {
 public:
  virtual ~TransactionalProducer() = default;

  // Fences an earlier producer of the same transactional id.
  virtual absl::Status InitTransactions() = 0;
  // Looks every topic up before the first transaction: one first met in
  // Produce waits for the next metadata scan (about a second), and the
  // commit with it. Produce writes only to these.
  virtual absl::Status LookUpTopics(const std::vector<std::string>& topics) = 0;
  virtual absl::Status BeginTransaction() = 0;
  // Copies `key` and `value` (nullopt: a tombstone) into the open
  // transaction, waiting while the send queue is full.
  virtual absl::Status Produce(const std::string& topic, int32_t partition,
                               std::string_view key,
                               std::optional<std::string_view> value) = 0;
  virtual absl::Status SendOffsets(
      const std::vector<TopicPartitionOffset>& offsets,
      const GroupMetadata& group) = 0;
  virtual absl::Status CommitTransaction() = 0;
  virtual absl::Status AbortTransaction() = 0;
  // Serves delivery reports.
  virtual void Poll() = 0;
};

struct ConsumerOptions {
  std::string group_id;
  // kPartitionEnd events at each partition's end.
  bool partition_eof = false;
  // Settings over the host's (read_committed, no auto commit, ...).
  std::map<std::string, std::string> settings;
  // Rebalance events; null for a consumer that is only ever assigned.
  ConsumerEvents* events = nullptr;
  // Whether a record for this consumer ends WaitForRecords.
  bool wakes_host = false;
};

class KafkaEnv {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~KafkaEnv() = default;

  // Whether the configuration's topics exist with the expected partitions.
  virtual absl::Status CheckTopics() = 0;
  virtual absl::StatusOr<std::unique_ptr<TransactionalProducer>> NewProducer(
      const std::string& transactional_id) = 0;
  virtual absl::StatusOr<std::unique_ptr<StageConsumer>> NewConsumer(
      const ConsumerOptions& options) = 0;
  // Returns when a consumer made with `wakes_host` got something since the
  // last call, or after `timeout_ms`.
  virtual void WaitForRecords(int timeout_ms) = 0;
  // Records whose delivery failed, over every producer made.
  virtual int64_t undelivered_records() const = 0;

  // The clocks: for intervals and timeouts, and the time of day.
  virtual Clock::time_point Now() = 0;
  virtual EpochMillis WallMillis() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_KAFKA_ENV_H_
