// Rule 13, customer contacts: what an order's history says about it when a
// customer contacts the help desk, read without changing the order.
//
// A contact raises a CUSTOMER_CONTACT escalation of its own, at level 1,
// then 2 and 3 while unresolved (order_contacts.cc); its id carries the
// contactId, so that several contacts of one order keep apart:
// "<orderId>/CUSTOMER_CONTACT/<level>/<placedAt>/<contactId>".
#ifndef ORDERFLOW_ENGINE_CONTACTS_H_
#define ORDERFLOW_ENGINE_CONTACTS_H_

#include <string>
#include <string_view>

#include "engine/order.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

inline bool HasContacts(const Order& order) {
  return order.extras != nullptr && !order.extras->contacts.empty();
}

// The rootCause of a contact about `order` at `now`: the first that holds,
// in this order, of
//   DELIVERY_FAILED        a delivery of it failed (DELIVERY_FAILED raised);
//   DELIVERY_LATE          it missed its promised delivery time (raised, or
//                          past it now and not delivered);
//   SHIPMENT_LATE          it missed its ship-by time (raised);
//   BACKORDER              it is or was backordered long enough to be
//                          escalated (BACKORDERED, or BACKORDER_AGED raised);
//   ON_HOLD                it is ON_HOLD (rule 12);
//   INVOICE_MISMATCH       its invoices disagreed with what shipped (raised);
//   CANCELLED_BUT_SHIPPED  it shipped after it was cancelled, or was
//                          cancelled after it shipped;
//   AMENDMENT_REJECTED     an amendment of it was rejected (rule 11);
//   NONE_FOUND             none of the above.
std::string_view RootCauseOf(const Order& order, EpochMillis now);

// "WHERE_IS_MY_ORDER" for CONTACT_KIND_WHERE_IS_MY_ORDER.
std::string_view ContactKindName(int32_t kind);

std::string ContactEscalationId(const Order& order, std::string_view contact_id,
                                int level);

// Whether the contact's escalation is open (raised at some level, not
// resolved).
inline bool IsOpen(const OrderContacts::Contact& c) {
  return !c.resolved && c.raised != 0;
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_CONTACTS_H_
