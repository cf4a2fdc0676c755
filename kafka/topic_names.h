// Kafka topic names: "<prefix>.<name>.v1" for the public topics of
// docs/contract.md and for the host's own (stage-to-stage and changelog) topics.
#ifndef ORDERFLOW_KAFKA_TOPIC_NAMES_H_
#define ORDERFLOW_KAFKA_TOPIC_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/text.h"
#include "engine/topics.h"

namespace orderflow {

// The host's own topics, next to the public ones.
enum class InternalTopic {
  kAllocationRequests,  // order stage -> inventory stage, key sku
  kAllocationResults,   // inventory stage -> order stage, key order id
  kOrderChangelog,      // order stage state, compacted, key order id
  kInventoryChangelog,  // inventory stage state, compacted, key sku
};

inline std::string_view InternalName(InternalTopic t) {
  switch (t) {
    case InternalTopic::kAllocationRequests: return "allocation-requests";
    case InternalTopic::kAllocationResults: return "allocation-results";
    case InternalTopic::kOrderChangelog: return "order-stage-changelog";
    case InternalTopic::kInventoryChangelog: return "inventory-stage-changelog";
  }
  return "";
}

inline std::string KafkaTopic(std::string_view prefix, std::string_view name) {
  return Cat(prefix, ".", name, ".v1");
}
inline std::string KafkaTopic(std::string_view prefix, Topic t) {
  return KafkaTopic(prefix, ShortName(t));
}
inline std::string KafkaTopic(std::string_view prefix, InternalTopic t) {
  return KafkaTopic(prefix, InternalName(t));
}

// A public topic by its short name or its Kafka name
// "<prefix>.<short name>.v1" (as a dead letter's sourceTopic may give it).
inline std::optional<Topic> TopicByShortOrKafkaName(std::string_view name) {
  if (auto topic = TopicByShortName(name)) return topic;
  if (name.size() > 3 && name.substr(name.size() - 3) == ".v1") {
    name.remove_suffix(3);
    const size_t dot = name.rfind('.');
    if (dot != std::string_view::npos) return TopicByShortName(name.substr(dot + 1));
  }
  return std::nullopt;
}

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_TOPIC_NAMES_H_
