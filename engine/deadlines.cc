#include "engine/deadlines.h"

#include <algorithm>

#include "engine/order_status.h"

namespace orderflow {

Promise PromiseFor(const v1::OrderPlaced& order, const EngineConfig& config) {
  const ServiceLevelTimes& times = config.For(order.service_level());
  Promise p;
  p.deliver_by = order.has_promised_delivery_at()
                     ? ToMillis(order.promised_delivery_at())
                     : ToMillis(order.placed_at()) + times.promise;
  p.ship_by = p.deliver_by - times.transit;
  return p;
}

namespace {

// DueAt for an order not closed. Inlined into NextDue's unrolled loop,
// where each call's rung is a constant and its switch folds away.
[[gnu::always_inline]] inline EpochMillis DueAtWhileOpen(
    Rung rung, const LadderPosition& p, const EngineConfig& c) {
  switch (rung) {
    case Rung::kShipDeadlineAtRisk1:
      return HasShipped(p.status) && !p.units_unshipped
                 ? kNever
                 : p.promise.ship_by - c.ship_at_risk_window;
    case Rung::kShipDeadlineMissed2:
      return HasShipped(p.status) && !p.units_unshipped ? kNever
                                                         : p.promise.ship_by;
    case Rung::kDeliveryDeadlineMissed2:
      return p.promise.deliver_by;
    case Rung::kDeliveryDeadlineMissed3:
      return p.promise.deliver_by + c.delivery_level3_after;
    case Rung::kBackorderAged1:
      return p.status == v1::ORDER_STATUS_BACKORDERED
                 ? p.backordered_since + c.backorder_aged_level1
                 : kNever;
    case Rung::kBackorderAged2:
      return p.status == v1::ORDER_STATUS_BACKORDERED
                 ? p.backordered_since + c.backorder_aged_level2
                 : kNever;
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
  return kNever;
}

}  // namespace

EpochMillis DueAt(Rung rung, const LadderPosition& p, const EngineConfig& c) {
  if (IsClosed(p.status)) return kNever;
  return DueAtWhileOpen(rung, p, c);
}

EpochMillis NextDue(const LadderPosition& p, RungSet raised,
                    const EngineConfig& c) {
  if (IsClosed(p.status)) return kNever;
  EpochMillis next = kNever;
  // Unrolled, each step is one rung's case (a loop step was a switch).
#pragma GCC unroll 6
  for (Rung r : kTimedRungs) {
    if (!raised.contains(r)) next = std::min(next, DueAtWhileOpen(r, p, c));
  }
  return next;
}

}  // namespace orderflow
