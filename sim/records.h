// The records the simulated world writes, built one way for every
// simulator: a stock count, receipt or adjustment; a shipment event; a
// cancellation. Optional fields left empty stay unset (the same bytes as
// never setting them). And where a simulator's records go: a RecordSink.
#ifndef ORDERFLOW_SIM_RECORDS_H_
#define ORDERFLOW_SIM_RECORDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/time.h"
#include "engine/topics.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Where a simulated record goes: its topic, key, value and event time.
using RecordSink = std::function<void(Topic topic, const std::string& key,
                                      const google::protobuf::Message& value,
                                      EpochMillis at)>;

// A SNAPSHOT (units counted), RECEIPT (units received) or ADJUSTMENT
// (units found or lost) of `sku` at `at`; `warehouse` may be empty.
v1::InventoryEvent InventoryRecord(std::string_view sku, v1::InventoryKind kind,
                                   int64_t quantity, EpochMillis at,
                                   std::string_view warehouse = {});

// What the warehouse or the carrier did with an order's shipment at `at`;
// `carrier` and `tracking_number` may be empty.
v1::ShipmentEvent ShipmentRecord(std::string_view order_id,
                                 std::string_view shipment_id,
                                 v1::ShipmentStatus status, EpochMillis at,
                                 std::string_view carrier = {},
                                 std::string_view tracking_number = {});

// The customer's cancellation of an order, requested at `at`.
v1::CancellationRequested CancellationRecord(std::string_view order_id,
                                             EpochMillis at,
                                             std::string_view reason);

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_RECORDS_H_
