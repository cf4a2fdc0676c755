#include "producers/tail.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
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

// How long a partition may show no progress towards the end it had when
// the read started before it is given up (an open transaction holds its
// last stable offset back).
constexpr auto kStallTimeout = std::chrono::seconds(10);

}  // namespace

int Tail(const Config& config, const TailOptions& options,
         const std::atomic<bool>& stop, std::ostream& out, std::ostream& err) {
  if (!MessageFor(options.topic, false)) {
    err << "orderflow: --topic " << options.topic << " is not an orderflow topic\n";
    return 2;
  }
  const std::string kafka_topic =
      KafkaTopic(config.kafka.topic_prefix, options.topic);
  auto made = MakeKafkaConsumer(
      config.kafka, {{"group.id", Cat(config.kafka.group_prefix, ".tail")},
                     {"enable.auto.commit", "false"},
                     {"isolation.level", "read_committed"},
                     {"enable.partition.eof", "true"}});
  if (!made.ok()) {
    err << "orderflow: " << made.status().message() << "\n";
    return 2;
  }
  const std::unique_ptr<RdKafka::KafkaConsumer> consumer = *std::move(made);
  // Every partition of the topic, from the start or the end.
  RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
  const int partitions = TopicPartitionCount(*consumer, kafka_topic, 10000, &code);
  if (partitions == 0) {
    err << "orderflow: topic " << kafka_topic << " not found at "
        << config.kafka.bootstrap_servers
        << (code != RdKafka::ERR_NO_ERROR ? Cat(" (", Describe(code), ")") : "")
        << "\n";
    return 1;
  }
  // Read from the start and not following: every partition up to the high
  // watermark it has now, so that what was committed before the read
  // started is all there even while its commit markers are being written
  // (an end-of-partition event then comes at the last stable offset, short
  // of it). Otherwise up to the first end-of-partition event of each.
  const bool to_watermarks = !options.follow && !options.from_end;
  std::map<int, int64_t> ends;  // partitions not read to their end yet
  if (to_watermarks) {
    std::vector<TopicPartitionName> names;
    for (int p = 0; p < partitions; ++p) names.push_back({kafka_topic, p});
    auto found = HighWatermarks(config.kafka, Cat(config.kafka.group_prefix, ".tail"),
                                names);
    if (!found.ok()) {
      err << "orderflow: " << found.status().message() << "\n";
      return 1;
    }
    for (int p = 0; p < partitions; ++p) {
      const PartitionEnds& e = (*found)[p];
      if (e.high > e.low) ends[p] = e.high;  // empty partitions are done from the start
    }
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

  // Whether every partition has been read to its end.
  std::set<int> at_end;
  auto finished = [&] {
    return to_watermarks ? ends.empty()
                         : static_cast<int>(at_end.size()) >= partitions;
  };
  // Reading past the end may only show as the position (a commit marker
  // is no message).
  auto check_positions = [&] {
    std::vector<RdKafka::TopicPartition*> parts;
    for (const auto& [p, end] : ends) {
      parts.push_back(RdKafka::TopicPartition::create(kafka_topic, p));
    }
    bool progress = false;
    if (consumer->position(parts) == RdKafka::ERR_NO_ERROR) {
      for (RdKafka::TopicPartition* tp : parts) {
        const auto e = ends.find(tp->partition());
        if (tp->offset() >= 0 && tp->offset() >= e->second) {
          ends.erase(e);
          progress = true;
        }
      }
    }
    RdKafka::TopicPartition::destroy(parts);
    return progress;
  };
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_progress = Clock::now();
  int64_t records = 0;
  while (!stop.load() && (options.follow || !finished())) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      at_end.insert(m->partition());
      const auto e = ends.find(m->partition());
      if (e != ends.end() && m->offset() >= e->second) ends.erase(e);
      continue;
    }
    if (m->err() == RdKafka::ERR__TIMED_OUT) {
      if (!to_watermarks) continue;
      if (check_positions()) last_progress = Clock::now();
      if (ends.empty() || Clock::now() - last_progress <= kStallTimeout) continue;
      for (const auto& [p, end] : ends) {
        err << "orderflow: " << kafka_topic << " [" << p
            << "]: no progress towards offset " << end
            << " (an open transaction?); printed without the rest\n";
      }
      break;
    }
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      err << "orderflow: " << m->errstr() << "\n";
      continue;
    }
    at_end.erase(m->partition());
    last_progress = Clock::now();
    if (const auto e = ends.find(m->partition());
        e != ends.end() && m->offset() + 1 >= e->second) {
      ends.erase(e);
    }
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
    // A key is bytes: one that is not UTF-8 is shown readably, with its
    // bytes beside it (JsonKeyFields), instead of stopping the tail.
    out << "{\"topic\":\"" << options.topic << "\"," << JsonKeyFields(key)
        << ",\"timestamp\":\""
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
