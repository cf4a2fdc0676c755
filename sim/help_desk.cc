#include "sim/help_desk.h"

#include "engine/text.h"

namespace orderflow {
namespace {

Millis HoursBetween(double lo, double hi, double uniform) {
  return static_cast<Millis>((lo + (hi - lo) * uniform) * Hours(1));
}

}  // namespace

void HelpDesk::Observe(Topic topic, const google::protobuf::Message& record,
                       EpochMillis at) {
  if (topic == Topic::kOrders) {
    const auto& order = static_cast<const v1::OrderPlaced&>(record);
    orders_[order.order_id()].customer_id = order.customer_id();
  } else if (topic == Topic::kCancellations) {
    orders_[static_cast<const v1::CancellationRequested&>(record).order_id()].cancelled =
        true;
  } else if (topic == Topic::kHolds) {
    const auto& hold = static_cast<const v1::HoldEvent&>(record);
    if (hold.action() == v1::HOLD_ACTION_PLACE && rng_.Uniform() < 0.2) {
      ++counts_.on_hold;
      Contact(hold.order_id(), v1::CONTACT_KIND_WHERE_IS_MY_ORDER,
              at + HoursBetween(0.25, 1.5, rng_.Uniform()),
              "my order has not been sent, is something wrong?");
    }
  } else if (topic == Topic::kShipments) {
    const auto& event = static_cast<const v1::ShipmentEvent&>(record);
    OrderFate& fate = orders_[event.order_id()];
    if (event.status() == v1::SHIPMENT_STATUS_DELIVERY_FAILED && !fate.failed) {
      fate.failed = true;
      if (rng_.Uniform() < 0.5) {
        ++counts_.after_failed_delivery;
        Contact(event.order_id(), v1::CONTACT_KIND_WHERE_IS_MY_ORDER,
                at + HoursBetween(1, 8, rng_.Uniform()),
                "the tracking says delivery failed, where is my parcel?");
      }
    } else if (event.status() == v1::SHIPMENT_STATUS_DELIVERED && !fate.delivered) {
      fate.delivered = true;
      const double u = rng_.Uniform();
      if (fate.deliver_by > 0 && at > fate.deliver_by) {
        if (!fate.late_contact && u < 0.35) {
          fate.late_contact = true;
          ++counts_.late;
          Contact(event.order_id(), v1::CONTACT_KIND_LATE,
                  at + HoursBetween(1, 24, rng_.Uniform()), "it came days after the promise");
        }
      } else if (u < 0.01) {
        ++counts_.without_cause;
        const double kind = rng_.Uniform();
        Contact(event.order_id(),
                kind < 0.4   ? v1::CONTACT_KIND_DAMAGED
                : kind < 0.7 ? v1::CONTACT_KIND_WRONG_ITEM
                             : v1::CONTACT_KIND_MISSING_ITEM,
                at + HoursBetween(4, 48, rng_.Uniform()), "something is wrong with what came");
      }
    }
  }
}

void HelpDesk::OnTask(const v1::DeliveryTask& task) {
  if (task.action() != v1::TASK_ACTION_CREATE) return;
  OrderFate& fate = orders_[task.order_id()];
  if (fate.deliver_by > 0) return;  // the order's second task
  fate.deliver_by = ToMillis(task.deliver_by());
  const EpochMillis created = ToMillis(task.created_at());
  if (rng_.Uniform() < 0.01) {
    ++counts_.without_cause;
    const double kind = rng_.Uniform();
    Contact(task.order_id(),
            kind < 0.3   ? v1::CONTACT_KIND_BILLING
            : kind < 0.6 ? v1::CONTACT_KIND_OTHER
                         : v1::CONTACT_KIND_WHERE_IS_MY_ORDER,
            created + HoursBetween(6, 72, rng_.Uniform()), "a question about my order");
  }
  // Customers who were promised a day notice when it passes.
  planned_.emplace(fate.deliver_by + HoursBetween(2, 12, rng_.Uniform()),
                   Planned{task.order_id(), nullptr});
}

void HelpDesk::Contact(const std::string& order_id, v1::ContactKind kind, EpochMillis at,
                       std::string_view text) {
  auto contact = std::make_shared<v1::CustomerContact>();
  contact->set_contact_id(Cat("CC-", next_contact_++));
  contact->set_order_id(order_id);
  contact->set_customer_id(orders_[order_id].customer_id);
  SetTimestamp(at, contact->mutable_received_at());
  contact->set_kind(kind);
  const double channel = rng_.Uniform();
  contact->set_channel(channel < 0.5 ? "email" : channel < 0.8 ? "chat" : "phone");
  contact->set_text(std::string(text));
  ++counts_.contacts;
  if (rng_.Uniform() < 0.6) {
    auto resolved = std::make_shared<v1::CustomerContact>(*contact);
    const EpochMillis resolved_at = at + HoursBetween(1, 30, rng_.Uniform());
    SetTimestamp(resolved_at, resolved->mutable_resolved_at());
    resolved->set_resolution("answered");
    planned_.emplace(resolved_at, Planned{order_id, std::move(resolved)});
  }
  planned_.emplace(at, Planned{order_id, std::move(contact)});
}

void HelpDesk::Step(EpochMillis now) {
  while (!planned_.empty() && planned_.begin()->first <= now) {
    const auto [at, planned] = *planned_.begin();
    planned_.erase(planned_.begin());
    if (planned.contact) {
      if (planned.contact->has_resolved_at()) ++counts_.resolved;
      out_(Topic::kCustomerContacts, planned.order_id, *planned.contact, at);
      continue;
    }
    // The promise passed: still not delivered, nor cancelled?
    OrderFate& fate = orders_[planned.order_id];
    if (fate.delivered || fate.cancelled || fate.late_contact) continue;
    if (rng_.Uniform() < 0.6) {
      fate.late_contact = true;
      ++counts_.late;
      Contact(planned.order_id, v1::CONTACT_KIND_LATE, at, "it was promised for yesterday");
    }
  }
}

}  // namespace orderflow
