// Where the hosted stages' outputs go: into the open transaction, as
// records of the output and stage-to-stage topics, or (stage-to-stage
// messages, while the router keeps them in the process) onto the router's
// queue as plain values.
//
// Status changes and delivery tasks are written straight from their plain
// values (engine/output_wire.h), no message built. Each public output is
// also handed to the order timelines (if any) once its transaction
// commits, and each dead letter counted by reason (HostTelemetry). Every
// Emitter override of the host is here, in one class.
#ifndef ORDERFLOW_CONSUMERS_HOST_EMITTER_H_
#define ORDERFLOW_CONSUMERS_HOST_EMITTER_H_

#include <map>
#include <string>
#include <string_view>

#include "consumers/host_telemetry.h"
#include "consumers/stage_router.h"
#include "consumers/transaction_loop.h"
#include "engine/config.h"
#include "engine/emitter.h"
#include "engine/topics.h"

namespace orderflow {

class HostEmitter : public Emitter {
 public:
  // `output_topics`: the Kafka name of each public output topic. Every
  // argument must outlive the emitter.
  HostEmitter(const EngineConfig& engine, std::map<Topic, std::string> output_topics,
              TransactionLoop& transactions, StageRouter& router,
              HostTelemetry& telemetry);

  void SendStatus(const StatusOutput& s) override;
  void SendTask(const TaskOutput& t) override;
  void Escalated(const v1::Escalation& m) override;
  void DeadLettered(const v1::DeadLetter& m) override;
  void AmendmentDecided(const v1::AmendmentResult& m) override;
  // In-process hand-over (kLocal) keeps the plain values the shards send;
  // through the topics they become protobuf messages, written to the
  // partition of their key.
  void SendToInventory(const StockRequest& m) override;
  void SendToOrders(const StockAnswer& m) override;

 private:
  void Public(Topic topic, const std::string& key,
              const google::protobuf::Message& m);
  // An output in protobuf binary, `time` its envelope time (OutputTime).
  void PublicBytes(Topic topic, std::string_view key, EpochMillis time,
                   std::string value);
  void Internal(const std::string& topic, int32_t partition,
                const std::string& key, const std::string& value);

  const int order_partitions_, inventory_partitions_;
  const std::map<Topic, std::string> output_topics_;
  TransactionLoop& transactions_;
  StageRouter& router_;
  HostTelemetry& telemetry_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOST_EMITTER_H_
