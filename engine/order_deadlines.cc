// Rule 6, deadlines: each order's next deadline is its one timer
// (engine/timer_queue.h; a closed order's is the end of its retention),
// fired on the shard's clock in (due, order id) order with the early
// records' expiries; what each deadline's escalation says.
#include <algorithm>

#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

namespace {

std::string_view LevelName(v1::ServiceLevel level) {
  return WithoutPrefix(v1::ServiceLevel_Name(level), "SERVICE_LEVEL_");
}

}  // namespace

OrderShard::TimerRef OrderShard::NextTimer() const {
  TimerRef next{kNever, {}};
  if (const TimerQueue::Timer* first = timers_.Front()) {
    next = {first->due, store_.At(first->slot).id};
  }
  if (!early_timers_.empty()) {
    const auto& [due, id] = *early_timers_.begin();
    if (std::pair<EpochMillis, std::string_view>(due, id) <
        std::pair<EpochMillis, std::string_view>(next.due, next.order_id)) {
      next = {due, id};
    }
  }
  return next;
}

void OrderShard::FireNextTimer(Emitter& out) {
  const TimerRef next = NextTimer();
  if (next.due == kNever) return;
  clock_ = std::max(clock_, next.due);
  const TimerQueue::Timer* first = timers_.Front();
  if (first != nullptr && first->due == next.due &&
      store_.At(first->slot).id == next.order_id) {
    Order& order = store_.At(first->slot);
    Changed(order.id);
    timers_.PopFront();
    order.timer_due = kNever;
    if (IsClosed(order.status) && NextContactDue(order) == kNever) {
      Forget(order);  // its retention is over
      return;
    }
    FireContactLadder(order, next.due, out);  // rule 13
    if (IsClosed(order.status)) {
      // A closed order's open contact (rule 13) fires before its end.
      if (next.due >= order.since + config_.closed_order_retention) {
        Forget(order);
      } else {
        Reschedule(order);
      }
      return;
    }
    FireDeadlines(order, next.due, out);
    Reschedule(order);
    return;
  }
  const std::string id(next.order_id);
  Changed(id);
  early_timers_.erase(early_timers_.begin());
  ExpireEarly(id, next.due, out);
}

void OrderShard::AdvanceClock(EpochMillis now, Emitter& out) {
  while (NextTimer().due <= now) FireNextTimer(out);
  clock_ = std::max(clock_, now);
}

void OrderShard::Reschedule(Order& order) {
  const EpochMillis due = std::min(
      IsClosed(order.status)
          ? order.since + config_.closed_order_retention
          : std::min(NextDue(PositionOf(order), order.raised, config_),
                     IsHeld(order) ? NextHoldDue(order) : kNever),
      NextContactDue(order));  // rule 13
  if (due == order.timer_due) return;
  order.timer_due = due;  // any entry at the old time is dead now
  if (due != kNever) {
    timers_.Add(order);
    NoteTimerSet(due);
  }
}

void OrderShard::FireDeadlines(Order& order, EpochMillis due, Emitter& out) {
  const LadderPosition position = PositionOf(order);
  for (Rung rung : kTimedRungs) {
    const EpochMillis at = DueAt(rung, position, config_);
    if (at <= due && !order.raised.contains(rung)) {
      // Detected when the clock reached it: its due time, or, for one
      // already past when the engine learnt of the order, the clock then
      // (never before the record that made the order known).
      Raise(order, rung, std::max(at, clock_),
            WithOpenHolds(order, DeadlineMessage(order, rung)), out);
    }
  }
  if (IsHeld(order)) FireHoldDeadlines(order, due, out);
}

std::string OrderShard::DeadlineMessage(const Order& order, Rung rung) const {
  std::string message = WholeOrderDeadlineMessage(order, rung);
  if (!HasParcels(order) || message.empty()) return message;
  // Rule 10: what of the order is missing, instead of the final stop.
  const LineParcels& p = order.extras->parcels;
  const bool ship = rung == Rung::kShipDeadlineAtRisk1 ||
                    rung == Rung::kShipDeadlineMissed2;
  const bool deliver = rung == Rung::kDeliveryDeadlineMissed2 ||
                       rung == Rung::kDeliveryDeadlineMissed3;
  if (!ship && !deliver) return message;
  const std::string missing =
      UnitsMissing(order, ship ? p.shipped : p.delivered,
                   [&](SkuId s) -> std::string_view { return SkuName(s); });
  if (missing.empty()) return message;
  message.pop_back();
  return Cat(message, ": ", missing, ship ? " not shipped." : " not delivered.");
}

std::string OrderShard::WholeOrderDeadlineMessage(const Order& order,
                                                  Rung rung) const {
  const std::string_view level = LevelName(order.level);
  switch (rung) {
    case Rung::kShipDeadlineAtRisk1:
      return Cat("Order ", order.id, " (", level,
                          ") has not shipped and must ship by ",
                          FormatTime(order.promise.ship_by), ".");
    case Rung::kShipDeadlineMissed2:
      return Cat("Order ", order.id, " (", level,
                          ") missed its ship-by time ",
                          FormatTime(order.promise.ship_by), ".");
    case Rung::kDeliveryDeadlineMissed2:
      return Cat("Order ", order.id, " (", level,
                          ") was promised for delivery by ",
                          FormatTime(order.promise.deliver_by),
                          " and is not delivered.");
    case Rung::kDeliveryDeadlineMissed3:
      return Cat("Order ", order.id, " (", level,
                          ") is still not delivered ",
                          config_.delivery_level3_after / Hours(1),
                          "h after its promised delivery time ",
                          FormatTime(order.promise.deliver_by), ".");
    case Rung::kBackorderAged1:
    case Rung::kBackorderAged2: {
      std::vector<std::string_view> short_skus;
      for (const Order::Line& line : order.lines) {
        if (!line.reserved) short_skus.push_back(SkuName(line.sku));
      }
      return Cat(
          "Order ", order.id, " (", level, ") has been backordered since ",
          FormatTime(order.since), ", waiting for ",
          Join(short_skus, ", "), ".");
    }
    case Rung::kValidationFailed1:
    case Rung::kCancelAfterShipment2:
    case Rung::kDeliveryFailed2:
    case Rung::kInvoiceMismatch1:
    case Rung::kDeliveredAfterCancel2:
    case Rung::kHoldAged1:
    case Rung::kHoldAged2:
    case Rung::kHoldAfterShipment2:
    case Rung::kAmendmentRejected1:
    case Rung::kCount:
      break;
  }
  return {};
}

}  // namespace orderflow
