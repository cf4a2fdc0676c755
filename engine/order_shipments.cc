// Rule 5, shipments: SHIPPED consumes the order's stock, DELIVERED is
// terminal, DELIVERY_FAILED raises a level-2 escalation that a later
// DELIVERED clears; PICKED and PACKED are recorded only, and a repeated
// (shipmentId, status) is a no-op. A shipment for an order not yet seen
// waits for it (order_early_records.cc). An event with lines, or any event
// of an order that has had one, is a parcel (rule 10: order_parcels.cc).
#include <algorithm>

#include "engine/dead_letter.h"
#include "engine/fingerprint.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using internal::v1::EarlyRecord;

namespace {

std::string_view ShipmentStatusName(v1::ShipmentStatus s) {
  return WithoutPrefix(v1::ShipmentStatus_Name(s), "SHIPMENT_STATUS_");
}

// (shipmentId, status): the id's bytes, then the status as its own bytes,
// so that no id and status can stand for another pair.
uint64_t ShipmentEventKey(const v1::ShipmentEvent& e) {
  const uint32_t status = static_cast<uint32_t>(e.status());
  const char bytes[4] = {static_cast<char>(status), static_cast<char>(status >> 8),
                         static_cast<char>(status >> 16),
                         static_cast<char>(status >> 24)};
  return Fingerprint(std::string_view(bytes, 4), Fingerprint(e.shipment_id()));
}

}  // namespace

void OrderShard::OnShipment(const v1::ShipmentEvent& shipment,
                            const RecordSource& source, Emitter& out) {
  std::string_view missing;
  if (shipment.order_id().empty()) missing = "orderId";
  else if (shipment.shipment_id().empty()) missing = "shipmentId";
  else if (shipment.status() == v1::SHIPMENT_STATUS_UNSPECIFIED) missing = "status";
  else if (!v1::ShipmentStatus_IsValid(shipment.status())) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("status ", static_cast<int>(shipment.status()),
                   " is not a shipment status"),
               clock_, out);
    return;
  }
  else if (!shipment.has_occurred_at()) missing = "occurredAt";
  if (!missing.empty()) {
    DeadLetter(source, "MISSING_FIELD", Cat(missing, " missing"), clock_, out);
    return;
  }
  const std::string& id = shipment.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_SHIPMENT, shipment, id, source);
    return;
  }
  ApplyShipment(*order, shipment, source, out);
  Reschedule(*order);
}

void OrderShard::ApplyShipment(Order& order, const v1::ShipmentEvent& shipment,
                               const RecordSource& source, Emitter& out) {
  const uint64_t key = ShipmentEventKey(shipment);
  auto& seen = order.shipment_events_seen;
  if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
  seen.push_back(key);

  const v1::ShipmentStatus event = shipment.status();
  const bool leaves_warehouse = event == v1::SHIPMENT_STATUS_SHIPPED ||
                                event == v1::SHIPMENT_STATUS_DELIVERED ||
                                event == v1::SHIPMENT_STATUS_DELIVERY_FAILED;
  if (order.status == v1::ORDER_STATUS_REJECTED) {
    DeadLetter(source, "ORDER_REJECTED",
               Cat("order ", order.id,
                            " was rejected; shipment event ",
                            ShipmentStatusName(event), " not applied"), clock_, out);
    return;
  }
  if (order.status == v1::ORDER_STATUS_CANCELLED) {
    if (event == v1::SHIPMENT_STATUS_SHIPPED ||
        event == v1::SHIPMENT_STATUS_DELIVERED) {
      RecordShippedAfterCancel(order, shipment, out);  // rule 13
    } else if (leaves_warehouse) {
      Raise(order, Rung::kCancelAfterShipment2, clock_,
            Cat("Order ", order.id, " was cancelled but shipment ",
                         shipment.shipment_id(), " reports it ",
                         ShipmentStatusName(event), " at ",
                         FormatTime(ToMillis(shipment.occurred_at())), "."),
            out);
    }
    return;
  }
  // Rule 9: the first part of the sourced order's task the event names,
  // found once for all that asks below.
  const std::optional<LinePart> task_part = FirstPartInTask(order, shipment.task_id());
  if (!shipment.task_id().empty() && !TaskOf(order, shipment.task_id(), task_part)) {
    seen.pop_back();  // not applied: a corrected event is not a repeat
    DeadLetter(source, "SHIPMENT_MISMATCH",
               Cat("order ", order.id, " has no delivery task ",
                   shipment.task_id()),
               clock_, out);
    return;
  }
  TellPicked(order, out);  // rule 9: no longer to be preempted
  if (!leaves_warehouse) {  // PICKED, PACKED: recorded only
    NoteWork(order, event);  // an amendment may no longer touch it
    NoteTaskWork(order, task_part);  // rule 9: that task's lines
    return;
  }
  if (shipment.lines().empty() && !shipment.task_id().empty() &&
      IsSourced(order)) {
    // Rule 10: no lines is the whole task. With one task that is the
    // whole order (below); with one task of several, that task's lines.
    // (A task holds a split line's units at its warehouse only.)
    const std::vector<std::pair<uint32_t, int32_t>> task =
        SourcedTaskLines(order, shipment.task_id());
    int64_t in_task = 0, in_order = 0;
    for (const auto& [i, units] : task) in_task += units;
    for (const Order::Line& l : order.lines) in_order += l.quantity;
    if (in_task < in_order) {
      v1::ShipmentEvent whole_task = shipment;
      for (const auto& [i, units] : task) {
        v1::ShipmentLine* line = whole_task.add_lines();
        line->set_line_id(std::string(order.LineId(i)));
        line->set_quantity(units);
      }
      if (!ApplyParcel(order, whole_task, task_part, source, out)) {
        seen.pop_back();
      } else {
        NoteCarrier(order, shipment);  // rule 13
      }
      return;
    }
  }
  if (!shipment.lines().empty() || HasParcels(order)) {
    // Rule 10 (order_parcels.cc).
    if (!ApplyParcel(order, shipment, task_part, source, out)) {
      seen.pop_back();
    } else {
      NoteCarrier(order, shipment);  // rule 13
    }
    return;
  }
  NoteCarrier(order, shipment);  // rule 13
  if (NotYetShipped(order.status)) MarkShipped(order, out);

  if (event == v1::SHIPMENT_STATUS_DELIVERED &&
      order.status != v1::ORDER_STATUS_DELIVERED) {
    SetStatus(order, v1::ORDER_STATUS_DELIVERED, {}, out);
    Clear(order, Rung::kDeliveryDeadlineMissed2, out);
    Clear(order, Rung::kDeliveryDeadlineMissed3, out);
    Clear(order, Rung::kDeliveryFailed2, out);
  } else if (event == v1::SHIPMENT_STATUS_DELIVERY_FAILED &&
             order.status == v1::ORDER_STATUS_SHIPPED) {
    SetStatus(order, v1::ORDER_STATUS_DELIVERY_FAILED, {}, out);
    Raise(order, Rung::kDeliveryFailed2, clock_,
          Cat("Delivery of order ", order.id, " (shipment ",
                       shipment.shipment_id(), ") failed at ",
                       FormatTime(ToMillis(shipment.occurred_at())), "."),
          out);
  }
}

void OrderShard::MarkShipped(Order& order, Emitter& out) {
  const bool held = IsHeld(order);
  AskInventory(order, AllocationRequest::ACTION_CONSUME, out);
  SetStatus(order, v1::ORDER_STATUS_SHIPPED, {}, out);
  if (held) ShippedWhileHeld(order, out);
  Clear(order, Rung::kShipDeadlineAtRisk1, out);
  Clear(order, Rung::kShipDeadlineMissed2, out);
  Clear(order, Rung::kBackorderAged1, out);
  Clear(order, Rung::kBackorderAged2, out);
  CheckInvoices(order, out);  // invoices that came before it shipped
}

}  // namespace orderflow
