#include "producers/tail.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>
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

// How long a partition may show no progress towards the end it had when
// the read started before it is given up (an open transaction holds its
// last stable offset back).
constexpr auto kStallTimeout = std::chrono::seconds(10);
// How long the partitions' ends are asked for before giving up.
constexpr auto kWatermarkTimeout = std::chrono::seconds(30);

// Where each partition of `kafka_topic` ends: its high watermark, with the
// records of transactions not yet committed or aborted. A read_committed
// client would get the last stable offset instead, which stays short of a
// committed transaction's records until the coordinator has written its
// commit markers; the coordinator answers the producer's commit before it
// writes them, so a read started right after a commit would stop before
// records the producer saw committed.
bool HighWatermarks(const Config& config, const std::string& kafka_topic,
                    int partitions, std::map<int, int64_t>* ends,
                    std::string* error) {
  auto made = MakeKafkaConsumer(
      config.kafka, {{"group.id", Cat(config.kafka.group_prefix, ".tail")},
                     {"enable.auto.commit", "false"},
                     {"isolation.level", "read_uncommitted"}});
  if (!made.ok()) {
    *error = std::string(made.status().message());
    return false;
  }
  const std::unique_ptr<RdKafka::KafkaConsumer> client = *std::move(made);
  // A broker that has just come back may not lead its partitions yet:
  // asked again until the deadline.
  const auto deadline = std::chrono::steady_clock::now() + kWatermarkTimeout;
  bool ok = true;
  for (int p = 0; p < partitions && ok; ++p) {
    int64_t low = 0, high = 0;
    RdKafka::ErrorCode code;
    while ((code = client->query_watermark_offsets(kafka_topic, p, &low, &high,
                                                   10000)) != RdKafka::ERR_NO_ERROR &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      *error = Cat("end offset of ", kafka_topic, " [", p, "]: ", Describe(code));
      ok = false;
    } else if (high > low) {
      (*ends)[p] = high;  // empty partitions are done from the start
    }
  }
  client->close();
  return ok;
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
  std::string error;
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
  // Read from the start and not following: every partition up to the high
  // watermark it has now, so that what was committed before the read
  // started is all there even while its commit markers are being written
  // (an end-of-partition event then comes at the last stable offset, short
  // of it). Otherwise up to the first end-of-partition event of each.
  const bool to_watermarks = !options.follow && !options.from_end;
  std::map<int, int64_t> ends;  // partitions not read to their end yet
  if (to_watermarks &&
      !HighWatermarks(config, kafka_topic, partitions, &ends, &error)) {
    err << "orderflow: " << error << "\n";
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
