// What the order stage and the inventory stage say to each other, as plain
// values: the in-process form of internal::v1::AllocationRequest and
// AllocationResult (which is what travels between the stages on Kafka).
// Both forms hold the same fields, and converting keeps every one.
//
// Each carries the event time of its cause, so that the time of a
// decision does not depend on how the message travelled (in the process,
// or through a topic while the receiving stage's clock moved on).
#ifndef ORDERFLOW_ENGINE_STAGE_MESSAGES_H_
#define ORDERFLOW_ENGINE_STAGE_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "engine/time.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow {

// Order stage -> inventory stage, keyed by sku. See AllocationRequest.
struct StockRequest {
  using Action = internal::v1::AllocationRequest::Action;
  Action action = internal::v1::AllocationRequest::ACTION_UNSPECIFIED;
  std::string order_id;
  std::string sku;
  int64_t quantity = 0;  // all units of this SKU the order asked for
  // The order's BackorderRank.
  v1::ServiceLevel service_level = v1::SERVICE_LEVEL_UNSPECIFIED;
  EpochMillis ship_by = 0;
  EpochMillis placed_at = 0;
  // The order stage's clock when it asked: the time of what the request
  // causes. nullopt only in a request written before the field existed.
  std::optional<EpochMillis> asked_at;
  // With warehouses (rule 9): the request is for the order's line of this
  // index (quantity is that line's); RELEASE and CONSUME name the
  // warehouse it is reserved at, RESERVE the ship-to country.
  std::optional<uint32_t> line;
  std::string warehouse_id;
  std::string country;
  // RESIZE (rule 11): the units and rank the order had asked for before
  // (placed_at does not change). Read only for RESIZE.
  int64_t previous_quantity = 0;
  v1::ServiceLevel previous_service_level = v1::SERVICE_LEVEL_UNSPECIFIED;
  EpochMillis previous_ship_by = 0;
  // REFUSE_PREEMPTION (rule 9): the urgent order, and its line, that took
  // the line's reservation and gives it back.
  std::string preempted_by;
  std::optional<uint32_t> preempted_by_line;
};

// Inventory stage -> order stage, keyed by order_id. See AllocationResult.
// InventoryShard::SendAnswer writes every field (a place it is handed may
// hold an earlier answer): a new field is written there too.
struct StockAnswer {
  std::string order_id;
  std::string sku;
  int64_t requested = 0;
  int64_t reserved = 0;  // == requested: done
  bool first_answer = false;  // the answer to a RESERVE
  // When the inventory stage decided, the time the order stage decides at.
  // nullopt only in a result written before the field existed.
  std::optional<EpochMillis> decided_at;
  // The answer for one line, and where it is (partly) reserved (rule 9).
  std::optional<uint32_t> line;
  std::string warehouse_id;
  // Rule 9 with preemption: the line's reservation went to this order's
  // line `preempted_by_line` (nullopt in a result written before it).
  std::string preempted_by;
  std::optional<uint32_t> preempted_by_line;
  // Rule 9 with preemption: the line's reservation, taken by preemption,
  // went back to this order, whose warehouse work had begun; the line
  // holds nothing.
  std::string taken_back_by;
};

StockRequest FromProto(const internal::v1::AllocationRequest& m);
StockAnswer FromProto(const internal::v1::AllocationResult& m);
void ToProto(const StockRequest& r, internal::v1::AllocationRequest* m);
void ToProto(const StockAnswer& a, internal::v1::AllocationResult* m);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_STAGE_MESSAGES_H_
