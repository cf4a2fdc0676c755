// The order stage's two most frequent public outputs as plain values: the
// in-process form of v1::OrderStatusChanged and v1::DeliveryTask, which is
// what the order shard hands its Emitter (Emitter::SendStatus, SendTask).
// ToProto fills the protobuf message with the same fields, for an Emitter
// that wants the messages.
//
// A plain value does not own its text: its views and spans point into the
// shard's state and scratch space and are valid only during the call that
// receives it.
#ifndef ORDERFLOW_ENGINE_OUTPUTS_H_
#define ORDERFLOW_ENGINE_OUTPUTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// See v1::OrderStatusChanged.
struct StatusOutput {
  std::string_view order_id;
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  v1::OrderStatus previous_status = v1::ORDER_STATUS_UNSPECIFIED;
  absl::Span<const std::string> reasons;
  EpochMillis occurred_at = 0;
  // 0: not known, and the message has no placedAt / promisedDeliveryAt.
  EpochMillis placed_at = 0;
  EpochMillis promised_delivery_at = 0;
};

// See v1::TaskLine.
struct TaskOutputLine {
  std::string_view line_id;
  std::string_view sku;
  int32_t quantity = 0;
};

// See v1::DeliveryTask. Its taskId is the order id and "/delivery", and
// with a warehouse "/<warehouseId>", and from its second task on there
// "/<n>" (TaskId below).
struct TaskOutput {
  std::string_view order_id;
  v1::TaskAction action = v1::TASK_ACTION_UNSPECIFIED;
  absl::Span<const TaskOutputLine> lines;
  v1::ServiceLevel priority = v1::SERVICE_LEVEL_UNSPECIFIED;
  // The ship-to Address in protobuf binary (what AppendAddress writes);
  // nullopt: the task has no shipTo.
  std::optional<std::string_view> ship_to;
  EpochMillis ship_by = 0;
  EpochMillis deliver_by = 0;
  EpochMillis created_at = 0;
  // Rule 9: empty without configured warehouses.
  std::string_view warehouse_id;
  uint32_t number = 1;  // the warehouse's n-th task of the order
};

// Appends the task's id to `out`.
void AppendTaskId(const TaskOutput& t, std::string* out);

// Overwrite every field of *m, so that a message reused from one output to
// the next keeps the memory of its strings and sub-messages.
void ToProto(const StatusOutput& s, v1::OrderStatusChanged* m);
void ToProto(const TaskOutput& t, v1::DeliveryTask* m);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_OUTPUTS_H_
