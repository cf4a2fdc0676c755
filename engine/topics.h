// The topics of docs/contract.md by short name, and the message each carries.
// Kafka names are "<prefix>.<short name>.v1".
#ifndef ORDERFLOW_ENGINE_TOPICS_H_
#define ORDERFLOW_ENGINE_TOPICS_H_

#include <optional>
#include <string_view>

#include "engine/config.h"
#include "engine/time.h"
#include "google/protobuf/message.h"

namespace orderflow {

enum class Topic {
  // Inputs.
  kOrders,
  kCancellations,
  kShipments,
  kInventory,
  kInvoices,
  // Outputs.
  kOrderStatus,
  kDeliveryTasks,
  kEscalations,
  kDeadLetter,
  // v1.1 inputs (and rule 11's output), appended so that the values above
  // keep their numbers.
  kCustomerContacts,  // rule 13
  kHolds,             // rule 12
  kAmendments,        // rule 11: an input, then its output
  kAmendmentResults,
};

inline constexpr Topic kAllTopics[] = {
    Topic::kOrders,      Topic::kCancellations,  Topic::kShipments,
    Topic::kInventory,   Topic::kInvoices,       Topic::kOrderStatus,
    Topic::kDeliveryTasks, Topic::kEscalations,  Topic::kDeadLetter,
    Topic::kCustomerContacts, Topic::kHolds, Topic::kAmendments,
    Topic::kAmendmentResults};

std::string_view ShortName(Topic topic);
std::optional<Topic> TopicByShortName(std::string_view name);
bool IsInput(Topic topic);
// How many partitions the topic has: the inventory topic is keyed by SKU
// (one per inventory shard); every other topic by order id.
inline int32_t PartitionCount(Topic topic, const EngineConfig& config) {
  return topic == Topic::kInventory ? config.inventory_partitions
                                    : config.order_partitions;
}

// The default instance of the message type the topic carries.
const google::protobuf::Message& MessageTypeOf(Topic topic);

// An output's engine time, what replay files, the Kafka record and order
// timelines stamp it with: its own occurredAt (order-status), createdAt
// (delivery-tasks), detectedAt (escalations), deadLetteredAt
// (dead-letter) or occurredAt (amendment-results). `m` is of MessageTypeOf(topic); an input topic gives 0.
EpochMillis OutputTime(Topic topic, const google::protobuf::Message& m);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TOPICS_H_
