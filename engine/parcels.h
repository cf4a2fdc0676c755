// Rule 10, parcels: what an order's parcels (Order::extras, LineParcels)
// say about it, read without changing it.
//
// An order "has parcels" from its first shipment event with lines; until
// then (and for every v1 order) none of this applies and rule 5 speaks
// for the order as a whole.
#ifndef ORDERFLOW_ENGINE_PARCELS_H_
#define ORDERFLOW_ENGINE_PARCELS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "engine/order.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

inline bool HasParcels(const Order& order) {
  return order.extras != nullptr && order.extras->parcels.active();
}

// Units line `i` of an order with parcels ships in all: its quantity, or,
// once the unshipped rest was cancelled, what has shipped of it.
int32_t UnitsToShip(const Order& order, size_t i);

// Units of line `i` not shipped yet, for any order: its quantity until
// the order ships, then (rule 10) what its parcels have not shipped of
// UnitsToShip; none once shipped whole.
int32_t UnitsNotShipped(const Order& order, size_t i);

// For an order with parcels: whether every unit to ship has shipped, and
// been delivered.
bool EveryUnitShipped(const Order& order);
bool EveryUnitDelivered(const Order& order);

// Whether some unit of an order with parcels is still to ship (false for
// an order without parcels).
inline bool HasUnshippedUnits(const Order& order) {
  return HasParcels(order) && !EveryUnitShipped(order);
}

// The status rule 10 gives an order with parcels, the first that holds:
// DELIVERED (every unit delivered), PARTIALLY_DELIVERED (some delivered),
// SHIPPED (every unit shipped), PARTIALLY_SHIPPED (some shipped); its
// current status when nothing has shipped.
v1::OrderStatus ParcelStatus(const Order& order);

// What is missing, for escalation messages: "2 of 5 units of line L2
// (SKU-9), 1 of 1 unit of line L3 (SKU-4)" for each line whose `done`
// count (per line index) is short of UnitsToShip; "" when none is.
std::string UnitsMissing(const Order& order, absl::Span<const int32_t> done,
                         absl::FunctionRef<std::string_view(SkuId)> sku_name);

// The units of `lines` (per line index, zero for none), as a phrase:
// "3 units of line L1 (SKU-1), 1 unit of line L2 (SKU-2)".
std::string UnitsOf(const Order& order, absl::Span<const int32_t> units,
                    absl::FunctionRef<std::string_view(SkuId)> sku_name);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PARCELS_H_
