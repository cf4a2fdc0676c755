#include "engine/parcels.h"

#include <algorithm>

#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

namespace {

std::string_view Units(int32_t n) { return n == 1 ? " unit" : " units"; }

}  // namespace

int32_t UnitsToShip(const Order& order, size_t i) {
  const LineParcels& p = order.extras->parcels;
  return p.rest_cancelled ? p.shipped[i] : order.lines[i].quantity;
}

int32_t UnitsNotShipped(const Order& order, size_t i) {
  if (HasParcels(order)) {
    const LineParcels& p = order.extras->parcels;
    return p.whole_shipped ? 0 : std::max(UnitsToShip(order, i) - p.shipped[i], 0);
  }
  return HasShipped(order.status) ? 0 : order.lines[i].quantity;
}

bool EveryUnitShipped(const Order& order) {
  const LineParcels& p = order.extras->parcels;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (p.shipped[i] < UnitsToShip(order, i)) return false;
  }
  return true;
}

bool EveryUnitDelivered(const Order& order) {
  const LineParcels& p = order.extras->parcels;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (p.delivered[i] < UnitsToShip(order, i)) return false;
  }
  return true;
}

v1::OrderStatus ParcelStatus(const Order& order) {
  const LineParcels& p = order.extras->parcels;
  bool some_shipped = false, some_delivered = false;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    some_shipped |= p.shipped[i] > 0;
    some_delivered |= p.delivered[i] > 0;
  }
  if (EveryUnitDelivered(order) && some_shipped) return v1::ORDER_STATUS_DELIVERED;
  if (some_delivered) return v1::ORDER_STATUS_PARTIALLY_DELIVERED;
  if (EveryUnitShipped(order)) return v1::ORDER_STATUS_SHIPPED;
  if (some_shipped) return v1::ORDER_STATUS_PARTIALLY_SHIPPED;
  return order.status;
}

std::string UnitsMissing(const Order& order, absl::Span<const int32_t> done,
                         absl::FunctionRef<std::string_view(SkuId)> sku_name) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const int32_t all = UnitsToShip(order, i);
    if (done[i] >= all) continue;
    parts.push_back(Cat(all - done[i], " of ", all, Units(all), " of line ",
                        order.LineId(i), " (", sku_name(order.lines[i].sku),
                        ")"));
  }
  return Join(parts, ", ");
}

std::string UnitsOf(const Order& order, absl::Span<const int32_t> units,
                    absl::FunctionRef<std::string_view(SkuId)> sku_name) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (units[i] <= 0) continue;
    parts.push_back(Cat(units[i], Units(units[i]), " of line ", order.LineId(i),
                        " (", sku_name(order.lines[i].sku), ")"));
  }
  return Join(parts, ", ");
}

}  // namespace orderflow
