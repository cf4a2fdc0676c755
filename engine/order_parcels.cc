// Rule 10, parcels: a shipment event with lines ships, delivers or fails
// those units of the order (engine/parcels.h says what the order's status
// then is). An order's first such event gives it parcels (Order::extras);
// from then on each of its shipment events is a parcel:
//  - a parcel is its shipmentId; its lines are those of its first event
//    that leaves the warehouse, and a later event of it naming other lines
//    is a mismatch. An event without lines of a parcel not seen before is
//    the rest of the order: every unit not yet shipped (and, DELIVERED,
//    every unit delivered), as a v1 event speaks of the whole order;
//  - SHIPPED ships the parcel's units and consumes their stock;
//    DELIVERED, and DELIVERY_FAILED, of a parcel not shipped ship it first
//    (one status record each, as in rule 5);
//  - DELIVERY_FAILED of a parcel raises DELIVERY_FAILED level 2; it is
//    cleared when no failed parcel is left undelivered (that parcel is
//    delivered later, or the whole order is). The status stays what the
//    units say: a failed parcel's units are shipped, not delivered;
//  - units beyond what the line orders (or beyond what shipped, once the
//    rest was cancelled), a line the order does not have, a quantity not
//    > 0 or a taskId the order does not have go to dead-letter
//    SHIPMENT_MISMATCH, and change nothing else;
//  - a cancellation while units are still to ship cancels that rest
//    (CancelUnshippedRest).
#include <algorithm>
#include <optional>

#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/parcels.h"
#include "engine/string_map.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;

namespace {

using ParcelLines = LineParcels::Lines;

ParcelLines Sorted(ParcelLines lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

bool OrderShard::TaskOf(const Order& order, std::string_view task_id,
                        const std::optional<LinePart>& in_task) const {
  // A sourced order's tasks are per warehouse (rule 9); otherwise one task,
  // "<orderId>/delivery".
  if (IsSourced(order)) return in_task.has_value();
  const std::optional<std::string_view> rest = TaskIdRest(order, task_id);
  return rest && rest->empty();
}

void OrderShard::AskInventoryForUnits(const Order& order,
                                      StockRequest::Action action,
                                      absl::Span<const int32_t> units,
                                      Emitter& out, uint16_t at) {
  if (IsSourced(order)) {  // rule 9: per line, at the line's warehouse
    for (uint32_t i = 0; i < order.lines.size(); ++i) {
      if (units[i] > 0) AskLine(order, i, action, {}, out, units[i], at);
    }
    return;
  }
  // One request per distinct SKU with units, in the order the SKUs first
  // appear in the order, as AskInventory does for the whole order.
  StockRequest& request = RequestFor(order, action);
  std::vector<SkuId> skus;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (units[i] > 0 &&
        std::find(skus.begin(), skus.end(), order.lines[i].sku) == skus.end()) {
      skus.push_back(order.lines[i].sku);
    }
  }
  for (SkuId sku : skus) {
    int64_t quantity = 0;
    for (size_t i = 0; i < order.lines.size(); ++i) {
      if (order.lines[i].sku == sku) quantity += units[i];
    }
    request.sku = SkuName(sku);
    request.quantity = quantity;
    out.SendToInventory(request);
  }
}

void OrderShard::SettleParcels(Order& order, bool was_all_shipped,
                               std::vector<std::string> reasons, Emitter& out) {
  const v1::OrderStatus status = ParcelStatus(order);
  if (status != order.status) SetStatus(order, status, std::move(reasons), out);
  if (EveryUnitShipped(order)) {
    Clear(order, Rung::kShipDeadlineAtRisk1, out);
    Clear(order, Rung::kShipDeadlineMissed2, out);
    Clear(order, Rung::kBackorderAged1, out);
    Clear(order, Rung::kBackorderAged2, out);
    if (!was_all_shipped) CheckInvoices(order, out);
  }
  if (EveryUnitDelivered(order)) {
    Clear(order, Rung::kDeliveryDeadlineMissed2, out);
    Clear(order, Rung::kDeliveryDeadlineMissed3, out);
    Clear(order, Rung::kDeliveryFailed2, out);
  }
}

bool OrderShard::ApplyParcel(Order& order, const v1::ShipmentEvent& shipment,
                             const std::optional<LinePart>& in_task,
                             const RecordSource& source, Emitter& out) {
  const auto mismatch = [&](std::string detail) {
    DeadLetter(source, "SHIPMENT_MISMATCH", detail, clock_, out);
    return false;
  };
  // What the event names, per order line.
  ParcelLines named;
  for (const v1::ShipmentLine& l : shipment.lines()) {
    if (l.quantity() <= 0) {
      return mismatch(Cat("line ", l.line_id(), ": quantity ", l.quantity(),
                          " is not > 0"));
    }
    size_t i = 0;
    while (i < order.lines.size() && !SameText(order.LineId(i), l.line_id())) ++i;
    if (i == order.lines.size()) {
      return mismatch(Cat("order ", order.id, " has no line ", l.line_id()));
    }
    auto same = std::find_if(named.begin(), named.end(),
                             [&](const auto& n) { return n.first == i; });
    const int64_t units =
        int64_t{l.quantity()} + (same != named.end() ? same->second : 0);
    if (units > order.lines[i].quantity) {
      // More than the line orders in this one event (and no sum of units
      // beyond that is ever formed).
      return mismatch(Cat("shipment ", shipment.shipment_id(), " carries ",
                          units, " units of line ", l.line_id(), " (",
                          SkuName(order.lines[i].sku), ") of order ", order.id,
                          ": ", units, " of ", order.lines[i].quantity,
                          " units ordered"));
    }
    if (same != named.end()) {
      same->second = static_cast<int32_t>(units);
    } else {
      named.emplace_back(static_cast<uint32_t>(i), l.quantity());
    }
  }

  // The order's parcels, made now for its first parcel; undone if this
  // one does not fit.
  const bool had_extras = order.extras != nullptr;
  LineParcels& p = order.Extras().parcels;
  const bool had_parcels = p.active();
  if (!had_parcels) {
    // Before its first parcel, the order shipped (or was delivered) whole
    // or not at all (rule 5).
    const bool shipped = HasShipped(order.status);
    p.whole_shipped = shipped;
    p.shipped.reserve(order.lines.size());
    p.delivered.reserve(order.lines.size());
    for (const Order::Line& line : order.lines) {
      p.shipped.push_back(shipped ? line.quantity : 0);
      p.delivered.push_back(order.status == v1::ORDER_STATUS_DELIVERED
                                ? line.quantity : 0);
    }
  }
  const auto refuse = [&](std::string detail) {
    if (!had_parcels) p.Clear();
    if (!had_extras) order.extras.reset();
    return mismatch(std::move(detail));
  };

  const v1::ShipmentStatus event = shipment.status();
  auto parcel = std::find_if(p.parcels.begin(), p.parcels.end(), [&](const auto& x) {
    return SameText(x.shipment_id, shipment.shipment_id());
  });
  if (parcel != p.parcels.end()) {
    if (!named.empty() && Sorted(named) != Sorted(parcel->lines)) {
      return refuse(Cat("shipment ", shipment.shipment_id(), " of order ",
                        order.id, " carried other lines before"));
    }
  } else {
    LineParcels::Parcel fresh;
    fresh.shipment_id = shipment.shipment_id();
    fresh.whole = named.empty();
    if (fresh.whole) {
      for (size_t i = 0; i < order.lines.size(); ++i) {
        const int32_t rest = UnitsToShip(order, i) - p.shipped[i];
        if (rest > 0) fresh.lines.emplace_back(static_cast<uint32_t>(i), rest);
      }
    } else {
      fresh.lines = named;
    }
    for (const auto& [i, units] : fresh.lines) {
      // Shipped whole before its parcels: they ship nothing more, but
      // still deliver no more than the line.
      const int32_t after = p.whole_shipped ? p.delivered[i] + units
                                            : p.shipped[i] + units;
      if (after > UnitsToShip(order, i)) {
        return refuse(Cat(
            "shipment ", shipment.shipment_id(), " carries ", units,
            " units of line ", order.LineId(i), " (", SkuName(order.lines[i].sku),
            ") of order ", order.id, ": ", after, " of ",
            UnitsToShip(order, i),
            p.rest_cancelled ? " units left after the cancellation"
                             : " units ordered"));
      }
    }
    p.parcels.push_back(std::move(fresh));
    parcel = p.parcels.end() - 1;
  }

  const bool was_all_shipped = EveryUnitShipped(order);
  if (!parcel->shipped) {
    parcel->shipped = true;
    LineUnits units(order.lines.size(), 0);
    if (!p.whole_shipped) {
      for (const auto& [i, n] : parcel->lines) {
        p.shipped[i] += n;
        units[i] += n;
      }
    }
    AskInventoryForUnits(order, AllocationRequest::ACTION_CONSUME, units, out,
                         in_task ? in_task->warehouse : LineSourcing::kNowhere);
    const auto shipped_parcels =
        std::count_if(p.parcels.begin(), p.parcels.end(),
                      [](const auto& x) { return x.shipped && !x.lines.empty(); });
    if (shipped_parcels == 2) ++metrics_.split_shipments;
    SettleParcels(order, was_all_shipped, {}, out);
  }
  if (event == v1::SHIPMENT_STATUS_DELIVERED && !parcel->delivered) {
    if (parcel->whole) {
      // The whole order is delivered, this parcel and every other.
      for (size_t i = 0; i < order.lines.size(); ++i) {
        p.delivered[i] = UnitsToShip(order, i);
      }
      for (LineParcels::Parcel& x : p.parcels) {
        x.delivered = true;
        x.failed = false;
      }
    } else {
      for (const auto& [i, n] : parcel->lines) p.delivered[i] += n;
      parcel->delivered = true;
      parcel->failed = false;
    }
    SettleParcels(order, true, {}, out);
    if (std::none_of(p.parcels.begin(), p.parcels.end(),
                     [](const auto& x) { return x.failed; })) {
      Clear(order, Rung::kDeliveryFailed2, out);
    }
  } else if (event == v1::SHIPMENT_STATUS_DELIVERY_FAILED &&
             !parcel->delivered && !parcel->failed) {
    parcel->failed = true;
    LineUnits units(order.lines.size(), 0);
    for (const auto& [i, n] : parcel->lines) units[i] += n;
    Raise(order, Rung::kDeliveryFailed2, clock_,
          Cat("Delivery of order ", order.id, " (shipment ",
              shipment.shipment_id(), ": ",
              UnitsOf(order, units, [&](SkuId s) -> std::string_view {
                return SkuName(s);
              }),
              ") failed at ", FormatTime(ToMillis(shipment.occurred_at())), "."),
          out);
  }
  return true;
}

void OrderShard::CancelUnshippedRest(Order& order, EpochMillis requested_at,
                                     Emitter& out) {
  LineParcels& p = order.extras->parcels;
  LineUnits rest(order.lines.size(), 0);
  for (size_t i = 0; i < order.lines.size(); ++i) {
    rest[i] = order.lines[i].quantity - p.shipped[i];
  }
  const auto sku_name = [&](SkuId s) -> std::string_view { return SkuName(s); };
  std::string message =
      Cat("Order ", order.id, " was asked to be cancelled at ",
          FormatTime(requested_at), " but has already shipped ",
          UnitsOf(order, p.shipped, sku_name), "; the rest (",
          UnitsOf(order, rest, sku_name), ") is cancelled.");
  AskInventoryForUnits(order, AllocationRequest::ACTION_RELEASE, rest, out);
  p.rest_cancelled = true;
  SettleParcels(order, false, {"CANCEL_REQUESTED"}, out);
  if (IsSourced(order)) {
    CancelSourcedTasks(order, out);  // each warehouse's task (rule 9)
  } else if (order.task_created) {
    EmitTask(order, v1::TASK_ACTION_CANCEL, out);
  }
  Raise(order, Rung::kCancelAfterShipment2, clock_, std::move(message), out);
}

}  // namespace orderflow
