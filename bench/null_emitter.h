// The emitter of the benchmarks that measure the core alone: drops every
// output and counts them, so that the work is observable. Status changes
// and delivery tasks are taken as plain values: no protobuf message is
// built for them.
#ifndef ORDERFLOW_BENCH_NULL_EMITTER_H_
#define ORDERFLOW_BENCH_NULL_EMITTER_H_

#include <cstddef>

#include "engine/pipeline.h"

namespace orderflow {

class NullEmitter final : public Emitter {
 public:
  void SendStatus(const StatusOutput&) override { ++outputs; }
  void SendTask(const TaskOutput&) override { ++outputs; }
  void Escalated(const v1::Escalation&) override { ++outputs; }
  void DeadLettered(const v1::DeadLetter&) override { ++outputs; }
  void AmendmentDecided(const v1::AmendmentResult&) override { ++outputs; }
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}
  size_t outputs = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_BENCH_NULL_EMITTER_H_
