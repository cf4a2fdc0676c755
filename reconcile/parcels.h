// Rule 10 for the month-end reconciliation: what an order shipped, line
// by line and parcel by parcel, from its shipment events as the engine
// counts them (engine/order_parcels.cc).
//
//   ParcelShipping shipping = ShipParcels(order_lines, tasks, shipments);
//   if (shipping.active) ... shipping.shipped[i], shipping.carried_by[i]
//
// An order "has parcels" once a shipment event that leaves the warehouse
// (SHIPPED, DELIVERED, DELIVERY_FAILED) names lines, or names one of the
// order's several delivery tasks without lines (then it carries that
// task's lines whole). Until then it shipped whole or not at all, as in
// v1, and this says nothing (`active` false). With parcels:
//  - a parcel is its shipmentId, counted once, with the lines of its
//    first event that leaves the warehouse; a later event of it with other
//    lines is not counted;
//  - an event without lines of a new parcel carries every unit not yet
//    shipped; after a first parcel that carried every unit, later ones
//    ship nothing more;
//  - a parcel that would take a line beyond its ordered quantity, or that
//    names a line the order does not have, is not counted (the engine
//    dead-letters it, SHIPMENT_MISMATCH): it is an over-shipment, listed
//    per line it carries beyond the order.
// Not seen here: a cancellation after a partial shipment (the engine then
// refuses parcels beyond what had shipped), and events a key mismatch or a
// malformed field sent to dead-letter before they reached the order.
#ifndef ORDERFLOW_RECONCILE_PARCELS_H_
#define ORDERFLOW_RECONCILE_PARCELS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/invoices.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// One shipment event, as far as reconciliation needs it.
struct ReconcileShipment {
  std::string shipment_id;
  v1::ShipmentStatus status = v1::SHIPMENT_STATUS_UNSPECIFIED;
  EpochMillis occurred_at = 0;
  std::string task_id;
  std::vector<std::pair<std::string, int32_t>> lines;  // lineId, units
};

// A parcel not counted because it carries more of a line than was
// ordered (or a line the order does not have: ordered 0).
struct OverShipment {
  std::string shipment_id;
  std::string line_id;
  std::string sku;  // "" for a line the order does not have
  int64_t carried = 0;
  int64_t ordered = 0;
  int64_t shipped_before = 0;  // by the parcels counted before it
  EpochMillis at = 0;
};

struct ParcelShipping {
  bool active = false;  // the order has parcels
  // Per order line (the order's line order): units shipped, and by which
  // parcels (shipmentId, units), in the order the parcels left.
  std::vector<int64_t> shipped;
  std::vector<std::vector<std::pair<std::string, int64_t>>> carried_by;
  // When each counted parcel left the warehouse (its first such event).
  std::vector<EpochMillis> left_at;
  std::vector<OverShipment> over;
};

// `lines` are the order's (lineId, sku, quantity); `tasks` its delivery
// tasks' line ids by taskId (empty when not known); `shipments` its
// events in the order they came.
ParcelShipping ShipParcels(
    const std::vector<LineAmounts>& lines,
    const std::map<std::string, std::vector<std::string>>& tasks,
    const std::vector<ReconcileShipment>& shipments);

}  // namespace orderflow

#endif  // ORDERFLOW_RECONCILE_PARCELS_H_
