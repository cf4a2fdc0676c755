#include "sim/records.h"

namespace orderflow {

v1::InventoryEvent InventoryRecord(std::string_view sku, v1::InventoryKind kind,
                                   int64_t quantity, EpochMillis at,
                                   std::string_view warehouse) {
  v1::InventoryEvent e;
  e.set_sku(std::string(sku));
  e.set_kind(kind);
  e.set_quantity(quantity);
  SetTimestamp(at, e.mutable_occurred_at());
  if (!warehouse.empty()) e.set_warehouse_id(std::string(warehouse));
  return e;
}

v1::ShipmentEvent ShipmentRecord(std::string_view order_id,
                                 std::string_view shipment_id,
                                 v1::ShipmentStatus status, EpochMillis at,
                                 std::string_view carrier,
                                 std::string_view tracking_number) {
  v1::ShipmentEvent s;
  s.set_order_id(std::string(order_id));
  s.set_shipment_id(std::string(shipment_id));
  s.set_status(status);
  SetTimestamp(at, s.mutable_occurred_at());
  if (!carrier.empty()) s.set_carrier(std::string(carrier));
  if (!tracking_number.empty()) s.set_tracking_number(std::string(tracking_number));
  return s;
}

v1::CancellationRequested CancellationRecord(std::string_view order_id,
                                             EpochMillis at,
                                             std::string_view reason) {
  v1::CancellationRequested c;
  c.set_order_id(std::string(order_id));
  SetTimestamp(at, c.mutable_requested_at());
  c.set_reason(std::string(reason));
  return c;
}

}  // namespace orderflow
