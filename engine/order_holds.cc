// Rule 12, holds: while a hold is open and nothing has shipped the order
// is ON_HOLD. It keeps (and may gain) its reservations but gets no task;
// a task already created is sent HOLD, and RELEASE when the last hold is
// released, when the order returns to the status it would have without
// holds. A hold open past its type's limit raises HOLD_AGED (level 2 at
// twice the limit); one placed at or after SHIPPED raises
// HOLD_AFTER_SHIPMENT. A RELEASE with CANCEL_ORDER cancels by rule 4.
// engine/holds.h reads an order's holds; this file changes them.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "engine/dead_letter.h"
#include "engine/holds.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::EarlyRecord;

namespace {

OrderHolds& HoldsOf(Order& order) {
  return order.Extras().holds;
}

}  // namespace

void OrderShard::OnHold(const v1::HoldEvent& hold, const RecordSource& source,
                        Emitter& out) {
  if (std::optional<HoldProblem> problem = CheckHoldEvent(hold)) {
    DeadLetter(source, problem->reason, problem->detail, clock_, out);
    return;
  }
  const std::string& id = hold.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_HOLD, hold, id, source);
    return;
  }
  ApplyHold(*order, hold, source, out);
  Reschedule(*order);
}

void OrderShard::ApplyHold(Order& order, const v1::HoldEvent& event,
                           const RecordSource& source, Emitter& out) {
  OrderHolds::Hold* known =
      order.extras ? FindHold(order.extras->holds, event.hold_id()) : nullptr;
  if (event.action() == v1::HOLD_ACTION_PLACE) {
    // A repeat, or a PLACE after its RELEASE: a hold id is placed once.
    if (known == nullptr) PlaceHold(order, event, out);
    return;
  }
  if (known == nullptr) {
    DeadLetter(source, "UNKNOWN_HOLD",
               Cat("order ", order.id, " has no hold ", event.hold_id(),
                   " to release"),
               clock_, out);
    return;
  }
  if (!known->released) ReleaseHold(order, *known, event, out);
}

void OrderShard::PlaceHold(Order& order, const v1::HoldEvent& event,
                           Emitter& out) {
  OrderHolds& holds = HoldsOf(order);
  OrderHolds::Hold& hold = holds.holds.emplace_back();
  hold.id = event.hold_id();
  hold.type = event.type();
  hold.placed_at = clock_;
  metrics_.OnHoldPlaced(hold.type);
  if (HasShipped(order.status)) {
    hold.after_shipment = true;
    Raise(order, Rung::kHoldAfterShipment2, clock_,
          Cat("Order ", order.id, " was put on hold (", HoldTypeName(hold.type),
              " hold ", hold.id, ") at ",
              FormatTime(ToMillis(event.occurred_at())),
              " but has already shipped."),
          out);
    return;
  }
  // Rejected or cancelled: there is nothing to hold. The hold is kept so
  // that its RELEASE is recognised.
  if (!NotYetShipped(order.status) || IsHeld(order)) return;
  SetStatus(order, v1::ORDER_STATUS_ON_HOLD, OnHoldReasons(holds), out);
  HoldTasks(order, v1::TASK_ACTION_HOLD, out);
}

void OrderShard::ReleaseHold(Order& order, OrderHolds::Hold& hold,
                             const v1::HoldEvent& event, Emitter& out) {
  hold.released = true;
  metrics_.OnHoldReleased(hold.type, clock_ - hold.placed_at);
  if (event.outcome() == v1::HOLD_OUTCOME_CANCEL_ORDER) {
    ApplyCancellation(order, ToMillis(event.occurred_at()),
                      HoldReason(hold.type), out);
  } else if (IsHeld(order) && !AnyHoldOpen(order.extras->holds)) {
    Resume(order, out);
  }
  // After the status changed, so that the clearing says the new one.
  ClearAgedHolds(order, out);
}

void OrderShard::Resume(Order& order, Emitter& out) {
  const bool all_reserved =
      std::all_of(order.lines.begin(), order.lines.end(),
                  [](const Order::Line& l) { return l.reserved; });
  if (order.awaiting_answers > 0) {
    SetStatus(order, v1::ORDER_STATUS_ACCEPTED, {}, out);
  } else if (all_reserved && order.task_created && !IsSourced(order)) {
    SetStatus(order, v1::ORDER_STATUS_ALLOCATED, {}, out);
  } else if (all_reserved) {
    Allocate(order, out);  // the task it did not get while held
  } else {
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED,
              ShortStockReasons(order), out);
    if (IsSourced(order) && config_.sourcing.fulfilment ==
                                SourcingConfig::Fulfilment::kShipAvailable) {
      EmitSourcedTasks(order, out);  // what was reserved meanwhile goes now
    }
  }
  if (order.extras->holds.task_held) {
    HoldTasks(order, v1::TASK_ACTION_RELEASE, out);
  }
}

void OrderShard::HoldTasks(Order& order, v1::TaskAction action, Emitter& out) {
  if (!order.task_created) return;
  OrderHolds& holds = HoldsOf(order);
  const bool hold = action == v1::TASK_ACTION_HOLD;
  if (holds.task_held == hold) return;
  holds.task_held = hold;
  if (!IsSourced(order)) {
    EmitTask(order, action, out);
    return;
  }
  // Every task created (rule 9), once each, in line order.
  for (const auto& [warehouse, number] : CreatedTasks(order)) {
    EmitWarehouseTask(order, warehouse, number, action, out);
  }
}

void OrderShard::ShippedWhileHeld(Order& order, Emitter& out) {
  Raise(order, Rung::kHoldAfterShipment2, clock_,
        Cat("Order ", order.id, " shipped while on hold (",
            OpenHoldsText(order.extras->holds), ")."),
        out);
}

void OrderShard::ClearAgedHolds(Order& order, Emitter& out) {
  const OrderHolds& holds = order.extras->holds;
  if (AgedAt(holds, config_.holds, 1) > clock_) {
    Clear(order, Rung::kHoldAged1, out);
  }
  if (AgedAt(holds, config_.holds, 2) > clock_) {
    Clear(order, Rung::kHoldAged2, out);
  }
}

EpochMillis OrderShard::NextHoldDue(const Order& order) const {
  if (!IsHeld(order) || !order.extras) return kNever;
  EpochMillis next = kNever;
  if (!order.raised.contains(Rung::kHoldAged1)) {
    next = std::min(next, AgedAt(order.extras->holds, config_.holds, 1));
  }
  if (!order.raised.contains(Rung::kHoldAged2)) {
    next = std::min(next, AgedAt(order.extras->holds, config_.holds, 2));
  }
  return next;
}

void OrderShard::FireHoldDeadlines(Order& order, EpochMillis due,
                                   Emitter& out) {
  if (!order.extras) return;
  for (const int level : {1, 2}) {
    const Rung rung = level == 1 ? Rung::kHoldAged1 : Rung::kHoldAged2;
    const OrderHolds::Hold* hold =
        FirstToAge(order.extras->holds, config_.holds, level);
    if (hold == nullptr || order.raised.contains(rung)) continue;
    const Millis limit = config_.holds.For(hold->type);
    const EpochMillis at = hold->placed_at + level * limit;
    if (at > due) continue;
    Raise(order, rung, std::max(at, clock_),
          Cat("Order ", order.id, " has been on ", HoldTypeName(hold->type),
              " hold ", hold->id, " since ", FormatTime(hold->placed_at),
              ", longer than ", level == 2 ? "twice " : "", "the ",
              limit / Hours(1), "h such a hold may last."),
          out);
  }
}

std::string OrderShard::WithOpenHolds(const Order& order,
                                      std::string message) const {
  if (!IsHeld(order) || !order.extras || message.empty()) return message;
  message.pop_back();  // the final stop
  return Cat(message, "; it is on hold: ", OpenHoldsText(order.extras->holds),
             ".");
}

void OrderShard::FillHoldsState(const Order& order,
                                internal::v1::OrderState* s) const {
  const OrderHolds& holds = order.extras->holds;
  internal::v1::HoldsState* hs = s->mutable_holds();
  for (const OrderHolds::Hold& h : holds.holds) {
    internal::v1::HoldState* x = hs->add_holds();
    x->set_hold_id(h.id);
    x->set_type(h.type);
    x->set_placed_at_ms(h.placed_at);
    x->set_released(h.released);
    x->set_after_shipment(h.after_shipment);
  }
  hs->set_task_held(holds.task_held);
}

void OrderShard::RestoreHolds(Order& order, const internal::v1::OrderState& s) {
  OrderHolds& holds = HoldsOf(order);
  for (const internal::v1::HoldState& x : s.holds().holds()) {
    OrderHolds::Hold& h = holds.holds.emplace_back();
    h.id = x.hold_id();
    h.type = x.type();
    h.placed_at = x.placed_at_ms();
    h.released = x.released();
    h.after_shipment = x.after_shipment();
  }
  holds.task_held = s.holds().task_held();
}

}  // namespace orderflow
