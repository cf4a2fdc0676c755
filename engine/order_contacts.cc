// Rule 13, customer contacts: a contact about an order raises a level-1
// CUSTOMER_CONTACT escalation stating the order's facts and their root
// cause (engine/contacts.h); unresolved it goes to level 2 after
// contacts.level2_after and to level 3 after contacts.level3_after; a
// second open contact on the order takes the open ones to level 2 at once;
// the same contactId again with resolvedAt clears it. A contact for an
// order not yet seen waits for it (order_early_records.cc).
//
// The facts state the carrier and tracking number of each shipment (each
// parcel) the carrier took, for every order that shipped: the shard keeps
// them by order (engine/shipment_carriers.h), small, apart from the
// order's extras, so that a v1 order that ships does not take them on.
//
// And the one correction rule 13 makes to v1: a SHIPPED or DELIVERED for a
// CANCELLED order is recorded on the order and raises
// DELIVERED_AFTER_CANCEL level 2 (the goods are with the customer).
#include <algorithm>
#include <memory>

#include "engine/contacts.h"
#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/parcels.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::EarlyRecord;

namespace {

constexpr uint8_t Bit(int level) { return static_cast<uint8_t>(1u << level); }

OrderContacts& ContactsOf(Order& order) {
  return order.Extras().contacts;
}

std::string_view ShipmentName(int32_t status) {
  return WithoutPrefix(
      v1::ShipmentStatus_Name(static_cast<v1::ShipmentStatus>(status)),
      "SHIPMENT_STATUS_");
}

std::string_view LevelName(v1::ServiceLevel level) {
  return WithoutPrefix(v1::ServiceLevel_Name(level), "SERVICE_LEVEL_");
}

}  // namespace

void OrderShard::OnCustomerContact(const v1::CustomerContact& contact,
                                   const RecordSource& source, Emitter& out) {
  std::string_view missing;
  if (contact.contact_id().empty()) missing = "contactId";
  else if (contact.order_id().empty()) missing = "orderId";
  else if (!contact.has_received_at()) missing = "receivedAt";
  else if (contact.kind() == v1::CONTACT_KIND_UNSPECIFIED) missing = "kind";
  else if (!v1::ContactKind_IsValid(contact.kind())) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("kind ", static_cast<int>(contact.kind()),
                   " is not a contact kind"),
               clock_, out);
    return;
  }
  if (!missing.empty()) {
    DeadLetter(source, "MISSING_FIELD", Cat(missing, " missing"), clock_, out);
    return;
  }
  const std::string& id = contact.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_CONTACT, contact, id, source);
    return;
  }
  ApplyContact(*order, contact, out);
  Reschedule(*order);
}

void OrderShard::ApplyContact(Order& order, const v1::CustomerContact& contact,
                              Emitter& out) {
  OrderContacts& contacts = ContactsOf(order);
  auto known = std::find_if(
      contacts.contacts.begin(), contacts.contacts.end(),
      [&](const OrderContacts::Contact& c) {
        return c.contact_id == contact.contact_id();
      });
  const bool resolves = contact.has_resolved_at();
  if (known != contacts.contacts.end()) {
    if (!resolves || known->resolved) return;  // a repeat
    known->resolved = true;
    const std::string message =
        Cat("Customer contact ", known->contact_id, " about order ", order.id,
            " was resolved at ", FormatTime(ToMillis(contact.resolved_at())),
            contact.resolution().empty() ? "" : ": ", contact.resolution(),
            ".");
    for (int level = 1; level <= 3; ++level) {
      if ((known->raised & Bit(level)) && !(known->cleared & Bit(level))) {
        known->cleared |= Bit(level);
        EscalateContact(order, *known, level, v1::ESCALATION_STATE_CLEARED,
                        clock_, message, out);
      }
    }
    return;
  }
  OrderContacts::Contact& c = contacts.contacts.emplace_back();
  c.contact_id = contact.contact_id();
  c.kind = contact.kind();
  c.received_at = ToMillis(contact.received_at());
  c.root_cause = std::string(RootCauseOf(order, clock_));
  if (resolves) {
    c.resolved = true;  // came resolved: nothing to escalate
    return;
  }
  metrics_.OnContact(static_cast<v1::ContactKind>(c.kind), c.root_cause);
  RaiseContact(order, contacts.contacts.size() - 1, 1, clock_,
               Cat("Customer contact ", c.contact_id, " (",
                   ContactKindName(c.kind),
                   contact.channel().empty() ? "" : " by ", contact.channel(),
                   ") about order ", order.id, " at ",
                   FormatTime(c.received_at), ". ", OrderFacts(order)),
               out);
  // A second open contact: every open contact of the order is at level 2.
  size_t open = 0;
  for (const OrderContacts::Contact& other : contacts.contacts) {
    if (IsOpen(other)) ++open;
  }
  if (open > 1) {
    for (size_t i = 0; i < contacts.contacts.size(); ++i) {
      if (!IsOpen(contacts.contacts[i])) continue;
      RaiseContact(order, i, 2, clock_,
                   Cat("Order ", order.id, " has ", open,
                       " open customer contacts; contact ",
                       contacts.contacts[i].contact_id, " goes to level 2. ",
                       OrderFacts(order)),
                   out);
    }
  }
  FireContactLadder(order, clock_, out);  // one received long ago
}

void OrderShard::RaiseContact(Order& order, size_t index, int level,
                              EpochMillis detected_at, std::string message,
                              Emitter& out) {
  OrderContacts::Contact& c = order.extras->contacts.contacts[index];
  if (c.raised & Bit(level)) return;
  c.raised |= Bit(level);
  EscalateContact(order, c, level, v1::ESCALATION_STATE_RAISED, detected_at,
                  std::move(message), out);
}

void OrderShard::EscalateContact(const Order& order,
                                 const OrderContacts::Contact& contact,
                                 int level, v1::EscalationState state,
                                 EpochMillis detected_at, std::string message,
                                 Emitter& out) {
  v1::Escalation& e = escalation_message_;
  e.set_escalation_id(ContactEscalationId(order, contact.contact_id, level));
  e.set_order_id(std::string(order.id.view()));
  e.set_kind(v1::ESCALATION_KIND_CUSTOMER_CONTACT);
  e.set_level(level);
  e.set_state(state);
  SetTimestamp(detected_at, e.mutable_detected_at());
  e.set_message(std::move(message));
  e.set_root_cause(contact.root_cause);
  metrics_.OnEscalation(e.kind(), state);
  out.Escalated(e);
  e.clear_root_cause();  // the message is reused for every escalation
}

EpochMillis OrderShard::NextContactDue(const Order& order) const {
  EpochMillis next = kNever;
  if (!HasContacts(order)) return next;
  for (const OrderContacts::Contact& c : order.extras->contacts.contacts) {
    if (!IsOpen(c)) continue;
    if (!(c.raised & Bit(2))) {
      next = std::min(next, c.received_at + config_.contact_level2_after);
    } else if (!(c.raised & Bit(3))) {
      next = std::min(next, c.received_at + config_.contact_level3_after);
    }
  }
  return next;
}

void OrderShard::FireContactLadder(Order& order, EpochMillis due, Emitter& out) {
  if (!HasContacts(order)) return;
  std::vector<OrderContacts::Contact>& contacts = order.extras->contacts.contacts;
  for (size_t i = 0; i < contacts.size(); ++i) {
    if (!IsOpen(contacts[i])) continue;
    for (int level = 2; level <= 3; ++level) {
      const Millis after = level == 2 ? config_.contact_level2_after
                                      : config_.contact_level3_after;
      const EpochMillis at = contacts[i].received_at + after;
      if (at > due || (contacts[i].raised & Bit(level))) continue;
      RaiseContact(order, i, level, std::max(at, clock_),
                   Cat("Customer contact ", contacts[i].contact_id, " (",
                       ContactKindName(contacts[i].kind), ") about order ",
                       order.id, " is unresolved ", after / Hours(1),
                       "h after ", FormatTime(contacts[i].received_at), ". ",
                       OrderFacts(order)),
                   out);
    }
  }
}

std::string OrderShard::OrderFacts(const Order& order) const {
  std::string facts = Cat("The order is ", StatusName(order.status));
  if (order.status != v1::ORDER_STATUS_REJECTED) {
    facts = Cat(facts, " (", LevelName(order.level), "), promised for ",
                FormatTime(order.promise.deliver_by));
  }
  if (HasParcels(order)) {
    const LineParcels& p = order.extras->parcels;
    const auto sku = [&](SkuId s) -> std::string_view { return SkuName(s); };
    const std::string unshipped = UnitsMissing(order, p.shipped, sku);
    const std::string undelivered = UnitsMissing(order, p.delivered, sku);
    if (!unshipped.empty()) facts = Cat(facts, "; not shipped: ", unshipped);
    if (!undelivered.empty()) {
      facts = Cat(facts, "; not delivered: ", undelivered);
    }
  }
  if (order.status == v1::ORDER_STATUS_DELIVERED ||
      order.status == v1::ORDER_STATUS_CANCELLED) {
    facts = Cat(facts, "; ", StatusName(order.status), " at ",
                FormatTime(order.since));
  }
  store_.carriers().ForEach(order.slot, [&](const ShipmentCarriers::Carried& c) {
    facts = Cat(facts, "; shipment ", c.shipment_id, " left at ",
                FormatTime(c.occurred_at));
    if (!c.carrier.empty()) facts = Cat(facts, " by ", c.carrier);
    if (!c.tracking_number.empty()) {
      facts = Cat(facts, ", tracking ", c.tracking_number);
    }
  });
  if (HasContacts(order) && order.extras->contacts.shipped_after_cancel()) {
    const OrderContacts::AfterCancel& a = *order.extras->contacts.after_cancel;
    facts = Cat(facts, "; after the cancellation shipment ", a.shipment_id,
                " was reported ", ShipmentName(a.status), " at ",
                FormatTime(a.occurred_at));
    if (!a.carrier.empty()) facts = Cat(facts, " by ", a.carrier);
    if (!a.tracking_number.empty()) {
      facts = Cat(facts, ", tracking ", a.tracking_number);
    }
  }
  std::vector<std::string> open;
  for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
    const Rung rung = static_cast<Rung>(r);
    if (order.raised.contains(rung) && !order.cleared.contains(rung)) {
      open.push_back(Cat(KindName(KindOf(rung)), " level ", LevelOf(rung)));
    }
  }
  return Cat(facts, ". Open escalations: ",
             open.empty() ? std::string("none") : Join(open, ", "), ".");
}

void OrderShard::RecordShippedAfterCancel(Order& order,
                                          const v1::ShipmentEvent& shipment,
                                          Emitter& out) {
  OrderContacts& contacts = ContactsOf(order);
  if (!contacts.after_cancel) {
    contacts.after_cancel = std::make_unique<OrderContacts::AfterCancel>();
  }
  OrderContacts::AfterCancel& a = *contacts.after_cancel;
  a.shipment_id = shipment.shipment_id();
  a.status = shipment.status();
  a.occurred_at = ToMillis(shipment.occurred_at());
  a.carrier = shipment.carrier();
  a.tracking_number = shipment.tracking_number();
  const bool delivered = shipment.status() == v1::SHIPMENT_STATUS_DELIVERED;
  Raise(order, Rung::kDeliveredAfterCancel2, clock_,
        Cat("Order ", order.id, " was cancelled at ", FormatTime(order.since),
            " but shipment ", shipment.shipment_id(), " reports it ",
            ShipmentName(a.status), " at ", FormatTime(a.occurred_at),
            delivered ? ": the goods are with the customer"
                      : ": the goods are on their way to the customer",
            "; a refund or a return is needed."),
        out);
}

void OrderShard::NoteCarrier(const Order& order,
                             const v1::ShipmentEvent& shipment) {
  store_.carriers().Note(
      order.slot, ShipmentCarriers::Carried{
                      .shipment_id = shipment.shipment_id(),
                      .carrier = shipment.carrier(),
                      .tracking_number = shipment.tracking_number(),
                      .occurred_at = ToMillis(shipment.occurred_at())});
}

void OrderShard::FillContactsState(const Order& o,
                                   internal::v1::OrderState* s) const {
  store_.carriers().ForEach(o.slot, [&](const ShipmentCarriers::Carried& c) {
    internal::v1::CarriedState* x = s->add_carried();
    x->set_shipment_id(std::string(c.shipment_id));
    x->set_carrier(std::string(c.carrier));
    x->set_tracking_number(std::string(c.tracking_number));
    x->set_occurred_at_ms(c.occurred_at);
  });
  if (!HasContacts(o)) return;
  const OrderContacts& c = o.extras->contacts;
  internal::v1::ContactsState* cs = s->mutable_contacts();
  for (const OrderContacts::Contact& contact : c.contacts) {
    internal::v1::ContactState* x = cs->add_contacts();
    x->set_contact_id(contact.contact_id);
    x->set_kind(static_cast<v1::ContactKind>(contact.kind));
    x->set_received_at_ms(contact.received_at);
    x->set_root_cause(contact.root_cause);
    x->set_raised(contact.raised);
    x->set_cleared(contact.cleared);
    x->set_resolved(contact.resolved);
  }
  if (c.shipped_after_cancel()) {
    const OrderContacts::AfterCancel& a = *c.after_cancel;
    cs->set_shipped_after_cancel(true);
    cs->set_after_cancel_shipment_id(a.shipment_id);
    cs->set_after_cancel_status(static_cast<v1::ShipmentStatus>(a.status));
    cs->set_after_cancel_occurred_at_ms(a.occurred_at);
    cs->set_after_cancel_carrier(a.carrier);
    cs->set_after_cancel_tracking_number(a.tracking_number);
  }
}

void OrderShard::RestoreContactsState(Order& o,
                                      const internal::v1::OrderState& s) {
  for (const internal::v1::CarriedState& x : s.carried()) {
    store_.carriers().Note(
        o.slot, ShipmentCarriers::Carried{.shipment_id = x.shipment_id(),
                                          .carrier = x.carrier(),
                                          .tracking_number = x.tracking_number(),
                                          .occurred_at = x.occurred_at_ms()});
  }
  if (!s.has_contacts()) return;
  const internal::v1::ContactsState& cs = s.contacts();
  OrderContacts& c = ContactsOf(o);
  for (const internal::v1::ContactState& x : cs.contacts()) {
    OrderContacts::Contact& contact = c.contacts.emplace_back();
    contact.contact_id = x.contact_id();
    contact.kind = x.kind();
    contact.received_at = x.received_at_ms();
    contact.root_cause = x.root_cause();
    contact.raised = static_cast<uint8_t>(x.raised() & 0x0e);
    contact.cleared = static_cast<uint8_t>(x.cleared() & 0x0e);
    contact.resolved = x.resolved();
  }
  c.after_cancel.reset();
  if (cs.shipped_after_cancel()) {
    c.after_cancel = std::make_unique<OrderContacts::AfterCancel>();
    OrderContacts::AfterCancel& a = *c.after_cancel;
    a.shipment_id = cs.after_cancel_shipment_id();
    a.status = cs.after_cancel_status();
    a.occurred_at = cs.after_cancel_occurred_at_ms();
    a.carrier = cs.after_cancel_carrier();
    a.tracking_number = cs.after_cancel_tracking_number();
  }
}

}  // namespace orderflow
