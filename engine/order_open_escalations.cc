// The escalations an order shard's orders hold open, read from their
// state: what a view of open escalations (the team lead's worklist) is
// filled from when a process takes over the shard, since the RAISED
// records themselves went out before it started.
#include "engine/contacts.h"
#include "engine/escalations.h"
#include "engine/holds.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {
namespace {

constexpr uint8_t Bit(int level) { return static_cast<uint8_t>(1u << level); }

bool IsTimed(Rung rung) {
  for (Rung timed : kTimedRungs) {
    if (timed == rung) return true;
  }
  return false;
}

}  // namespace

void OrderShard::ForEachOpenEscalation(
    const std::function<void(const v1::Escalation&)>& f) const {
  v1::Escalation e;
  const auto emit = [&](const Order& order, std::string id,
                        v1::EscalationKind kind, int level,
                        EpochMillis detected_at, std::string_view root_cause) {
    e.Clear();
    e.set_escalation_id(std::move(id));
    e.set_order_id(std::string(order.id.view()));
    e.set_kind(kind);
    e.set_level(level);
    e.set_state(v1::ESCALATION_STATE_RAISED);
    SetTimestamp(InTimeRange(detected_at) ? detected_at : order.since,
                 e.mutable_detected_at());
    e.set_message(Cat(KindName(kind), " level ", level, " of order ", order.id,
                      " was found open in the order's state (raised before "
                      "this process took the order over; the escalations "
                      "topic has its message). ",
                      OrderFacts(order)));
    if (!root_cause.empty()) e.set_root_cause(std::string(root_cause));
    f(e);
  };
  store_.ForEach([&](const Order& order) {
    for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
      const Rung rung = static_cast<Rung>(r);
      if (!order.raised.contains(rung) || order.cleared.contains(rung)) continue;
      EpochMillis at = order.since;
      if (IsTimed(rung)) {
        const EpochMillis due = DueAt(rung, PositionOf(order), config_);
        if (due != kNever) at = due;
      } else if ((rung == Rung::kHoldAged1 || rung == Rung::kHoldAged2) &&
                 order.extras != nullptr) {
        const EpochMillis aged = AgedAt(order.extras->holds, config_.holds,
                                        rung == Rung::kHoldAged1 ? 1 : 2);
        if (aged != kNever) at = aged;
      }
      emit(order, EscalationId(order.id, rung, order.placed_at), KindOf(rung),
           LevelOf(rung), at, {});
    }
    if (!HasContacts(order)) return;
    for (const OrderContacts::Contact& c : order.extras->contacts.contacts) {
      if (!IsOpen(c)) continue;
      for (int level = 1; level <= 3; ++level) {
        if (!(c.raised & Bit(level)) || (c.cleared & Bit(level))) continue;
        const EpochMillis at =
            c.received_at + (level == 2   ? config_.contact_level2_after
                             : level == 3 ? config_.contact_level3_after
                                          : 0);
        emit(order, ContactEscalationId(order, c.contact_id, level),
             v1::ESCALATION_KIND_CUSTOMER_CONTACT, level, at, c.root_cause);
      }
    }
  });
}

}  // namespace orderflow
