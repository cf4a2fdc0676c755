// Reading and writing orderflow topics as the simulators and the demo do:
// protobuf values, keys partitioned as orderflow expects (Kafka's default
// murmur2 partitioner), event-time record timestamps, every setting of the
// configuration's `kafka:` section.
#ifndef ORDERFLOW_PRODUCERS_KAFKA_IO_H_
#define ORDERFLOW_PRODUCERS_KAFKA_IO_H_

#include <memory>
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

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_KAFKA_IO_H_
