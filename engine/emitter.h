// Where the engine's records go.
//
// A shard never writes anywhere itself: everything it has to say, to the
// outside world or to the other stage, goes through an Emitter, in the
// order it was decided. Replay writes the outputs to a file and routes the
// internal messages in-process; the Kafka host produces all of them inside
// the transaction of the input that caused them.
#ifndef ORDERFLOW_ENGINE_EMITTER_H_
#define ORDERFLOW_ENGINE_EMITTER_H_

#include "engine/outputs.h"
#include "engine/stage_messages.h"
#include "orderflow/internal/v1/internal.pb.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class Emitter {
 public:
  virtual ~Emitter() = default;

  // Public outputs; the key of each is the order id (dead letters keep the
  // key of the record they came from).
  //
  // Status changes and delivery tasks, the order stage's most frequent
  // outputs, come as plain values (engine/outputs.h), valid only during
  // the call: a host writes them straight to protobuf binary
  // (engine/output_wire.h) and never builds a message; an emitter that
  // wants the messages makes them with ToProto.
  virtual void SendStatus(const StatusOutput& s) = 0;
  virtual void SendTask(const TaskOutput& t) = 0;
  virtual void Escalated(const v1::Escalation& m) = 0;
  virtual void DeadLettered(const v1::DeadLetter& m) = 0;
  // Rule 11: an amendment applied or rejected (topic amendment-results).
  virtual void AmendmentDecided(const v1::AmendmentResult& m) = 0;

  // Stage to stage, as plain values (engine/stage_messages.h): a host that
  // keeps both stages in one process hands them over as they are; one that
  // sends them through Kafka makes the protobuf messages with ToProto.
  // Order stage -> inventory stage, keyed by m.sku.
  virtual void SendToInventory(const StockRequest& m) = 0;
  // Inventory stage -> order stage, keyed by m.order_id.
  virtual void SendToOrders(const StockAnswer& m) = 0;
  // Instead of SendToOrders: an answer sent as it is, to be written in
  // full (every field) before the emitter is used again. A host that
  // queues answers hands out its next place, so the answer is written
  // once, not written and copied; nullptr (the default): use
  // SendToOrders.
  virtual StockAnswer* NextAnswerToOrders() { return nullptr; }
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_EMITTER_H_
