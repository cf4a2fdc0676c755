// Rule 7, escalation identity: an escalation of an order (its id is the
// order's, the kind's and level's and the order's placedAt:
// engine/escalations.h) is RAISED at
// most once and CLEARED at most once, only after it was raised.
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

// The escalation message below is a member, overwritten field by field for
// each escalation (every field is set each time), so that its strings and
// sub-messages keep their memory from one output to the next.

void OrderShard::Escalate(const Order& order, Rung rung,
                          v1::EscalationState state, EpochMillis detected_at,
                          std::string message, Emitter& out) {
  v1::Escalation& e = escalation_message_;
  e.set_escalation_id(EscalationId(order.id, rung, order.placed_at));
  e.set_order_id(std::string(order.id.view()));
  e.set_kind(KindOf(rung));
  e.set_level(LevelOf(rung));
  e.set_state(state);
  SetTimestamp(detected_at, e.mutable_detected_at());
  e.set_message(std::move(message));
  metrics_.OnEscalation(e.kind(), state);
  out.Escalated(e);
}

void OrderShard::Raise(Order& order, Rung rung, EpochMillis detected_at,
                       std::string message, Emitter& out) {
  if (order.raised.contains(rung)) return;
  order.raised.insert(rung);
  Escalate(order, rung, v1::ESCALATION_STATE_RAISED, detected_at,
           std::move(message), out);
}

void OrderShard::Clear(Order& order, Rung rung, Emitter& out) {
  if (!order.raised.contains(rung) || order.cleared.contains(rung)) return;
  order.cleared.insert(rung);
  Escalate(order, rung, v1::ESCALATION_STATE_CLEARED, clock_,
           Cat("Order ", order.id, " is now ",
               StatusName(order.status),
               "; ", KindName(KindOf(rung)), " level ", LevelOf(rung),
               " is cleared."),
           out);
}

void OrderShard::ClearAllOpen(Order& order, Emitter& out) {
  for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
    Clear(order, static_cast<Rung>(r), out);
  }
}

}  // namespace orderflow
