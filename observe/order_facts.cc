#include "observe/order_facts.h"

#include <algorithm>

#include "engine/order_status.h"

namespace orderflow {

bool OrderFacts::Had(v1::OrderStatus s) const {
  return std::find(statuses.begin(), statuses.end(), s) != statuses.end();
}

void OrderFacts::AddStatus(const v1::OrderStatusChanged& s, EpochMillis time) {
  status = s.status();
  status_since = s.has_occurred_at() ? ToMillis(s.occurred_at()) : time;
  reasons.assign(s.reasons().begin(), s.reasons().end());
  if (!Had(s.status())) statuses.push_back(s.status());
  if (HasShipped(s.status())) shipped = true;
  if (s.has_placed_at()) placed_at = ToMillis(s.placed_at());
  if (s.has_promised_delivery_at()) {
    promised_at = ToMillis(s.promised_delivery_at());
  }
  if (s.status() == v1::ORDER_STATUS_SHIPPED && !shipped_at) {
    shipped_at = status_since;
  }
  if (s.status() == v1::ORDER_STATUS_DELIVERED) delivered_at = status_since;
}

void OrderFacts::AddTask(const v1::DeliveryTask& t) {
  task = t.action();
  if (t.action() != v1::TASK_ACTION_CREATE) return;
  ship_by = t.has_ship_by() ? std::optional(ToMillis(t.ship_by())) : std::nullopt;
  deliver_by =
      t.has_deliver_by() ? std::optional(ToMillis(t.deliver_by())) : std::nullopt;
}

void OrderFacts::AddEscalation(const v1::Escalation& e, EpochMillis time) {
  auto it = std::find_if(escalations.begin(), escalations.end(),
                         [&e](const Escalation& known) {
                           return known.id == e.escalation_id();
                         });
  const bool open = it != escalations.end() && it->open;
  if (e.state() == v1::ESCALATION_STATE_RAISED && !open) {
    if (it != escalations.end()) escalations.erase(it);
    escalations.push_back(
        {e.escalation_id(), e.kind(), e.level(),
         e.has_detected_at() ? ToMillis(e.detected_at()) : time, true});
  } else if (e.state() == v1::ESCALATION_STATE_CLEARED && open) {
    it->open = false;
  }
}

void OrderFacts::Add(Topic topic, const google::protobuf::Message& m,
                     EpochMillis time) {
  switch (topic) {
    case Topic::kOrderStatus:
      AddStatus(static_cast<const v1::OrderStatusChanged&>(m), time);
      return;
    case Topic::kDeliveryTasks:
      AddTask(static_cast<const v1::DeliveryTask&>(m));
      return;
    case Topic::kEscalations:
      AddEscalation(static_cast<const v1::Escalation&>(m), time);
      return;
    case Topic::kOrders:
    case Topic::kCancellations:
    case Topic::kShipments:
    case Topic::kInventory:
    case Topic::kInvoices:
    case Topic::kDeadLetter:
    case Topic::kHolds:
    case Topic::kAmendments:
    case Topic::kAmendmentResults:
      return;
  }
}

}  // namespace orderflow
