#include "observe/order_history.h"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "engine/topics.h"
#include "kafka/kafka_io.h"
#include "observe/order_timeline.h"

namespace orderflow {
namespace {

struct Found {
  EpochMillis time;
  bool output;
  Topic topic;
  int64_t offset;
  std::string payload;
  // An output parsed (for its time), to be recorded without parsing it
  // again; null for an input, or bytes that do not parse.
  std::unique_ptr<google::protobuf::Message> parsed;
};

}  // namespace

absl::StatusOr<std::optional<nlohmann::ordered_json>> ReadOrderHistory(
    const Config& config, std::string_view order_id, int idle_timeout_ms) {
  if (order_id.empty()) return std::nullopt;
  std::vector<Topic> topics;
  for (Topic t : kAllTopics) {
    if (t != Topic::kInventory) topics.push_back(t);
  }
  ReadToEndOptions options;
  options.group_suffix = ".investigate";
  options.idle_timeout_ms = idle_timeout_ms;
  options.only_partition_of = std::string(order_id);
  options.missing_topics_are_empty = true;
  std::vector<Found> found;
  absl::StatusOr<ReadToEndStats> read = ReadTopicsToEnd(
      config, topics,
      [&](Topic topic, const RdKafka::Message& m) {
        if (m.key() == nullptr || *m.key() != order_id || m.payload() == nullptr) {
          return;
        }
        Found f{m.timestamp().timestamp, !IsInput(topic), topic, m.offset(),
                std::string(static_cast<const char*>(m.payload()), m.len()),
                nullptr};
        // An output's time is its engine time, as the process that wrote
        // it recorded it (its Kafka timestamp is when it was produced).
        if (f.output) {
          std::unique_ptr<google::protobuf::Message> parsed(MessageTypeOf(topic).New());
          if (parsed->ParseFromString(f.payload)) {
            f.time = OutputTime(topic, *parsed);
            f.parsed = std::move(parsed);
          }
        }
        found.push_back(std::move(f));
      },
      options);
  if (!read.ok()) return read.status();
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.time, a.output, a.topic, a.offset) <
           std::tie(b.time, b.output, b.topic, b.offset);
  });
  OrderTimelines timelines(config.observe);
  for (Found& f : found) {
    timelines.RecordEncoded(f.output, f.topic, order_id, f.time, std::move(f.payload),
                            f.parsed.get());
  }
  return timelines.OrderJson(order_id);
}

}  // namespace orderflow
