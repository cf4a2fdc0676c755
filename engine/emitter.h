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
  virtual void StatusChanged(const v1::OrderStatusChanged& m) = 0;
  virtual void Task(const v1::DeliveryTask& m) = 0;
  virtual void Escalated(const v1::Escalation& m) = 0;
  virtual void DeadLettered(const v1::DeadLetter& m) = 0;

  // What the order shard calls for its status changes and delivery tasks:
  // the same outputs as plain values (engine/outputs.h). By default they
  // are converted and passed to StatusChanged / Task; an emitter that has
  // no use for the protobuf messages overrides these and never builds them.
  // The defaults reuse one message of each type kept in the Emitter: the
  // message passed is valid only during the call, and an Emitter is used
  // by one thread at a time.
  virtual void SendStatus(const StatusOutput& s) {
    ToProto(s, &status_message_);
    StatusChanged(status_message_);
  }
  virtual void SendTask(const TaskOutput& t) {
    ToProto(t, &task_message_);
    Task(task_message_);
  }

  // Order stage -> inventory stage, keyed by m.sku().
  virtual void ToInventory(const internal::v1::AllocationRequest& m) = 0;
  // Inventory stage -> order stage, keyed by m.order_id().
  virtual void ToOrders(const internal::v1::AllocationResult& m) = 0;

  // What the shards call: the same two messages as plain values. By
  // default they are converted and passed to ToInventory / ToOrders; a
  // host that keeps both stages in one process overrides these and never
  // builds the protobuf messages.
  virtual void SendToInventory(const StockRequest& m) {
    internal::v1::AllocationRequest message;
    ToProto(m, &message);
    ToInventory(message);
  }
  virtual void SendToOrders(const StockAnswer& m) {
    internal::v1::AllocationResult message;
    ToProto(m, &message);
    ToOrders(message);
  }

 private:
  // The default SendStatus and SendTask overwrite these for each output,
  // so that their strings and sub-messages keep their memory.
  v1::OrderStatusChanged status_message_;
  v1::DeliveryTask task_message_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_EMITTER_H_
