#include "producers/tail.h"

#include <memory>
#include <set>
#include <vector>

#include "consumers/kafka_client.h"
#include "consumers/topic_names.h"
#include "engine/text.h"
#include "nlohmann/json.hpp"
#include "orderflow/internal/v1/internal.pb.h"
#include "replay/json_codec.h"
#include "replay/replay_line.h"

namespace orderflow {
namespace {

// The message type of a topic, by short name; nullptr when unknown.
std::unique_ptr<google::protobuf::Message> MessageFor(std::string_view topic,
                                                     bool empty_key) {
  if (std::optional<Topic> t = TopicByShortName(topic)) {
    return std::unique_ptr<google::protobuf::Message>(MessageTypeOf(*t).New());
  }
  using namespace internal::v1;
  if (topic == InternalName(InternalTopic::kAllocationRequests)) {
    return std::make_unique<AllocationRequest>();
  }
  if (topic == InternalName(InternalTopic::kAllocationResults)) {
    return std::make_unique<AllocationResult>();
  }
  if (empty_key && (topic == InternalName(InternalTopic::kOrderChangelog) ||
                    topic == InternalName(InternalTopic::kInventoryChangelog))) {
    return std::make_unique<ShardClock>();
  }
  if (topic == InternalName(InternalTopic::kOrderChangelog)) {
    return std::make_unique<OrderKeyState>();
  }
  if (topic == InternalName(InternalTopic::kInventoryChangelog)) {
    return std::make_unique<StockState>();
  }
  return nullptr;
}

}  // namespace

int Tail(const Config& config, const TailOptions& options,
         const std::atomic<bool>& stop, std::ostream& out, std::ostream& err) {
  if (!MessageFor(options.topic, false)) {
    err << "orderflow: --topic " << options.topic << " is not an orderflow topic\n";
    return 2;
  }
  const std::string kafka_topic =
      KafkaTopic(config.kafka.topic_prefix, options.topic);
  auto conf = MakeKafkaConf(config.kafka,
                            {{"group.id", Cat(config.kafka.group_prefix, ".tail")},
                             {"enable.auto.commit", "false"},
                             {"isolation.level", "read_committed"},
                             {"enable.partition.eof", "true"}});
  if (!conf.ok()) {
    err << "orderflow: " << conf.status().message() << "\n";
    return 2;
  }
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) {
    err << "orderflow: " << error << "\n";
    return 2;
  }
  // Every partition of the topic, from the start or the end.
  std::unique_ptr<RdKafka::Topic> handle(
      RdKafka::Topic::create(consumer.get(), kafka_topic, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code = consumer->metadata(false, handle.get(), &raw, 10000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  int partitions = 0;
  if (code == RdKafka::ERR_NO_ERROR && !metadata->topics()->empty() &&
      metadata->topics()->at(0)->err() == RdKafka::ERR_NO_ERROR) {
    partitions = static_cast<int>(metadata->topics()->at(0)->partitions()->size());
  }
  if (partitions == 0) {
    err << "orderflow: topic " << kafka_topic << " not found at "
        << config.kafka.bootstrap_servers
        << (code != RdKafka::ERR_NO_ERROR ? Cat(" (", Describe(code), ")") : "")
        << "\n";
    return 1;
  }
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(RdKafka::TopicPartition::create(
        kafka_topic, p,
        options.from_end ? RdKafka::Topic::OFFSET_END
                         : RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);

  std::set<int> at_end;
  int64_t records = 0;
  while (!stop.load() && (options.follow || static_cast<int>(at_end.size()) < partitions)) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(m->partition());
      continue;
    }
    if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      err << "orderflow: " << m->errstr() << "\n";
      continue;
    }
    at_end.erase(m->partition());
    const std::string key = m->key() ? *m->key() : std::string();
    std::string value = "null";
    if (m->payload() != nullptr) {
      std::unique_ptr<google::protobuf::Message> message =
          MessageFor(options.topic, key.empty());
      if (message->ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
        value = EncodeJson(*message);
      } else {
        value = nlohmann::json({{"undecodable", true}, {"bytes", m->len()}}).dump();
      }
    }
    out << "{\"topic\":\"" << options.topic << "\",\"key\":"
        << nlohmann::json(key).dump() << ",\"timestamp\":\""
        << FormatRfc3339(m->timestamp().timestamp) << "\",\"partition\":"
        << m->partition() << ",\"offset\":" << m->offset()
        << ",\"value\":" << value << "}\n";
    ++records;
    if (options.follow) out.flush();
  }
  out.flush();
  consumer->close();
  err << "tail: " << records << " records from " << kafka_topic << "\n";
  return 0;
}

}  // namespace orderflow
