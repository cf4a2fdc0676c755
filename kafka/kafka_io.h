// Reading and writing orderflow topics as the simulators and the demo do:
// protobuf values, keys partitioned as orderflow expects (Kafka's default
// murmur2 partitioner), event-time record timestamps, every setting of the
// configuration's `kafka:` section. And the committed records of some
// topics read to their end, as the weekly report and reconcile read them.
#ifndef ORDERFLOW_KAFKA_KAFKA_IO_H_
#define ORDERFLOW_KAFKA_KAFKA_IO_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "librdkafka/rdkafkacpp.h"

namespace orderflow {

class TopicWriter {
 public:
  static absl::StatusOr<std::unique_ptr<TopicWriter>> Create(const Config& config);
  ~TopicWriter();  // waits (a few seconds at most) for what is in flight

  // `time` becomes the record's timestamp (the engine's event time).
  void Send(Topic topic, const std::string& key,
            const google::protobuf::Message& value, EpochMillis time);
  // Waits for what is in flight; returns the records Kafka refused so far
  // (with the first reason in `first_error`).
  int64_t Flush(std::string* first_error);

 private:
  class Reports : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& m) override {
      if (m.err() == RdKafka::ERR_NO_ERROR) return;
      if (failed++ == 0) first_error = m.errstr();
    }
    int64_t failed = 0;
    std::string first_error;
  };
  TopicWriter(const Config& config, std::unique_ptr<Reports> reports,
              std::unique_ptr<RdKafka::Producer> producer)
      : config_(config), reports_(std::move(reports)),
        producer_(std::move(producer)) {}
  const Config config_;
  std::unique_ptr<Reports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

// Committed records of some topics, from the beginning (`group_id` empty)
// or from where the consumer group left off.
class TopicReader {
 public:
  static absl::StatusOr<std::unique_ptr<TopicReader>> Create(
      const Config& config, const std::vector<Topic>& topics,
      const std::string& group_id = "");
  ~TopicReader();

  // The next record, or null when none arrives within `timeout_ms`.
  std::unique_ptr<RdKafka::Message> Next(int timeout_ms = 0);
  // The topic a record came from.
  Topic TopicOf(const RdKafka::Message& m) const;

 private:
  explicit TopicReader(std::unique_ptr<RdKafka::KafkaConsumer> c)
      : consumer_(std::move(c)) {}
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::vector<std::pair<std::string, Topic>> names_;
};

// How ReadTopicsToEnd reads.
struct ReadToEndOptions {
  // The consumer's group.id is the configuration's group prefix plus this
  // (".report"); no offsets are ever committed for it.
  std::string group_suffix = ".reader";
  // When no record, and no partition reaching its end, has come for this
  // long (an open transaction holds read_committed readers back), the read
  // stalled: see partial_on_stall.
  int idle_timeout_ms = 30000;
  // On a stall: true names each unfinished partition on `diagnostics` and
  // returns what was read; false fails with DeadlineExceeded naming them.
  bool partial_on_stall = false;
  // Where the errors of the partitions being read (librdkafka retries
  // them) and the partitions a stall left unfinished are named, a line
  // each; null: nowhere.
  std::ostream* diagnostics = nullptr;
  // Set (by a signal handler, say): stop soon and return what was read.
  const std::atomic<bool>* stop = nullptr;
  // Not empty: of each topic, only the partition this key falls in
  // (PartitionOf, engine/partitioner.h): where every record keyed by it is.
  std::string only_partition_of = {};
  // A topic that does not exist is read as empty instead of NotFound (a
  // topic added by a later version, not created yet).
  bool missing_topics_are_empty = false;
};

struct ReadToEndStats {
  int64_t records = 0;     // given to on_record
  int partitions = 0;      // of the topics, empty ones included
  int unfinished = 0;      // not read to their end (a stall, or `stop`)
  bool stopped = false;    // `stop` was set before the end
};

// Every committed record (read_committed) of `topics` of the
// configuration's prefix, every partition, from the beginning up to the
// high watermark each partition had when the read started
// (HighWatermarks, kafka/kafka_client.h): every transaction committed
// before the read started is in, and what is written meanwhile is left
// out. A transaction that was open when the read started is waited for;
// one left open (its producer gone, until the broker aborts it) stalls the
// read (see ReadToEndOptions). `on_record` gets each record with its topic
// (its payload may be null), every partition's records in offset order.
// No consumer group offsets are committed.
//
// The partitions are found in the metadata of all topics: asking for a
// topic by name can create it on a broker that creates topics on demand.
// Errors: Unavailable when Kafka cannot be reached (the message names the
// first topic as not found at the bootstrap servers, and why); NotFound
// naming the first missing topic; Unavailable when a topic disappears or
// may not be read while reading; DeadlineExceeded on a stall unless
// `partial_on_stall`.
absl::StatusOr<ReadToEndStats> ReadTopicsToEnd(
    const Config& config, const std::vector<Topic>& topics,
    const std::function<void(Topic, const RdKafka::Message&)>& on_record,
    const ReadToEndOptions& options = {});

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_KAFKA_IO_H_
