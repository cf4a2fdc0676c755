#include "consumers/host_emitter.h"

#include <utility>

#include "engine/output_wire.h"
#include "engine/partitioner.h"

namespace orderflow {

HostEmitter::HostEmitter(const EngineConfig& engine,
                         std::map<Topic, std::string> output_topics,
                         TransactionLoop& transactions, StageRouter& router,
                         HostTelemetry& telemetry)
    : order_partitions_(engine.order_partitions),
      inventory_partitions_(engine.inventory_partitions),
      output_topics_(std::move(output_topics)),
      transactions_(transactions),
      router_(router),
      telemetry_(telemetry) {}

void HostEmitter::SendStatus(const StatusOutput& s) {
  std::string value;
  AppendStatus(s, value);
  PublicBytes(Topic::kOrderStatus, s.order_id, s.occurred_at, std::move(value));
}

void HostEmitter::SendTask(const TaskOutput& t) {
  std::string value;
  if (!AppendTask(t, value)) {  // an address protobuf must write
    v1::DeliveryTask m;
    ToProto(t, &m);
    Public(Topic::kDeliveryTasks, m.order_id(), m);
    return;
  }
  PublicBytes(Topic::kDeliveryTasks, t.order_id, t.created_at, std::move(value));
}

void HostEmitter::Escalated(const v1::Escalation& m) {
  Public(Topic::kEscalations, m.order_id(), m);
}

void HostEmitter::DeadLettered(const v1::DeadLetter& m) {
  telemetry_.CountDeadLetter(m.reason());
  Public(Topic::kDeadLetter, m.key(), m);
}

void HostEmitter::AmendmentDecided(const v1::AmendmentResult& m) {
  Public(Topic::kAmendmentResults, m.order_id(), m);
}

void HostEmitter::SendToInventory(const StockRequest& m) {
  if (router_.local()) {
    router_.Queue(m);
    return;
  }
  internal::v1::AllocationRequest message;
  ToProto(m, &message);
  Internal(router_.requests_topic(), PartitionOf(m.sku, inventory_partitions_),
           message.sku(), message.SerializeAsString());
}

void HostEmitter::SendToOrders(const StockAnswer& m) {
  if (router_.local()) {
    router_.Queue(m);
    return;
  }
  internal::v1::AllocationResult message;
  ToProto(m, &message);
  Internal(router_.results_topic(),
           PartitionOf(m.order_id, order_partitions_), message.order_id(),
           message.SerializeAsString());
}

void HostEmitter::Internal(const std::string& topic, int32_t partition,
                           const std::string& key, const std::string& value) {
  ++telemetry_.counters().internal;
  transactions_.MarkInternal();
  router_.OnInternalProduced();  // one more of ours in flight
  transactions_.Produce(topic, partition, key, value);
}

void HostEmitter::Public(Topic topic, const std::string& key,
                         const google::protobuf::Message& m) {
  PublicBytes(topic, key, OutputTime(topic, m), m.SerializeAsString());
}

void HostEmitter::PublicBytes(Topic topic, std::string_view key,
                              EpochMillis time, std::string value) {
  ++telemetry_.counters().outputs;
  const int32_t partition = key.empty() ? 0 : PartitionOf(key, order_partitions_);
  transactions_.Produce(output_topics_.at(topic), partition, key, value);  // copies it
  if (std::vector<TimelineFeed::Entry>* pending = telemetry_.timeline_pending();
      pending != nullptr && !key.empty()) {
    pending->push_back({true, topic, std::string(key), time, std::move(value)});
  }
}

}  // namespace orderflow
