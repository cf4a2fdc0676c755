#include "producers/kafka_io.h"

#include "consumers/kafka_client.h"
#include "consumers/topic_names.h"
#include "engine/partitioner.h"

namespace orderflow {

absl::StatusOr<std::unique_ptr<TopicWriter>> TopicWriter::Create(
    const Config& config) {
  auto conf = MakeKafkaConf(config.kafka,
                            {{"linger.ms", "5"}, {"enable.idempotence", "true"}});
  if (!conf.ok()) return conf.status();
  auto reports = std::make_unique<Reports>();
  std::string error;
  if ((*conf)->set("dr_cb", reports.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf->get(), error));
  if (!p) return absl::InvalidArgumentError(error);
  return std::unique_ptr<TopicWriter>(
      new TopicWriter(config, std::move(reports), std::move(p)));
}

TopicWriter::~TopicWriter() { producer_->flush(10000); }

int64_t TopicWriter::Flush(std::string* first_error) {
  producer_->flush(30000);
  *first_error = reports_->first_error;
  return reports_->failed;
}

void TopicWriter::Send(Topic topic, const std::string& key,
                       const google::protobuf::Message& value, EpochMillis time) {
  const std::string bytes = value.SerializeAsString();
  const int partitions = PartitionCount(topic, config_.engine);
  for (;;) {
    const RdKafka::ErrorCode e = producer_->produce(
        KafkaTopic(config_.kafka.topic_prefix, topic), PartitionOf(key, partitions),
        RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(bytes.data()),
        bytes.size(), key.data(), key.size(), time, nullptr);
    if (e != RdKafka::ERR__QUEUE_FULL) break;
    producer_->poll(20);
  }
  producer_->poll(0);
}

absl::StatusOr<std::unique_ptr<TopicReader>> TopicReader::Create(
    const Config& config, const std::vector<Topic>& topics,
    const std::string& group_id) {
  auto conf = MakeKafkaConf(
      config.kafka,
      {{"group.id", group_id.empty() ? config.kafka.group_prefix + ".reader" : group_id},
       {"enable.auto.commit", group_id.empty() ? "false" : "true"},
       {"auto.offset.reset", "earliest"},
       {"isolation.level", "read_committed"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> c(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!c) return absl::InvalidArgumentError(error);
  std::unique_ptr<TopicReader> reader(new TopicReader(std::move(c)));
  std::vector<std::string> names;
  std::vector<RdKafka::TopicPartition*> parts;
  for (Topic t : topics) {
    const std::string name = KafkaTopic(config.kafka.topic_prefix, t);
    reader->names_.push_back({name, t});
    names.push_back(name);
    const int n = PartitionCount(t, config.engine);
    for (int p = 0; p < n; ++p) {
      parts.push_back(RdKafka::TopicPartition::create(
          name, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  const RdKafka::ErrorCode err = group_id.empty()
                                     ? reader->consumer_->assign(parts)
                                     : reader->consumer_->subscribe(names);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(Describe(err));
  }
  return reader;
}

TopicReader::~TopicReader() { consumer_->close(); }

std::unique_ptr<RdKafka::Message> TopicReader::Next(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> m(consumer_->consume(timeout_ms));
  return m->err() == RdKafka::ERR_NO_ERROR ? std::move(m) : nullptr;
}

Topic TopicReader::TopicOf(const RdKafka::Message& m) const {
  const std::string name = m.topic_name();
  for (const auto& [n, t] : names_) {
    if (n == name) return t;
  }
  return Topic::kDeadLetter;
}

}  // namespace orderflow
