#include "engine/contacts.h"

#include "engine/escalations.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

namespace {

// Rules 11 and 12 are their own: AMENDMENT_REJECTED is escalation kind 9
// (proto/orderflow/v1/orderflow.proto keeps the number for it).
constexpr int kAmendmentRejectedKind = 9;

bool Raised(const Order& order, Rung rung) { return order.raised.contains(rung); }

bool RaisedKind(const Order& order, int kind) {
  for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
    if (order.raised.contains(static_cast<Rung>(r)) &&
        static_cast<int>(KindOf(static_cast<Rung>(r))) == kind) {
      return true;
    }
  }
  return false;
}

// BACKORDERED, or ON_HOLD where it would be BACKORDERED without its holds
// (every answer in, a line short): the hold does not hide the backorder,
// which comes first in rule 13's order.
bool ShortOfStock(const Order& order) {
  if (order.status == v1::ORDER_STATUS_BACKORDERED) return true;
  if (order.status != v1::ORDER_STATUS_ON_HOLD || order.awaiting_answers > 0) {
    return false;
  }
  for (const Order::Line& line : order.lines) {
    if (!line.reserved) return true;
  }
  return false;
}

}  // namespace

std::string_view RootCauseOf(const Order& order, EpochMillis now) {
  if (Raised(order, Rung::kDeliveryFailed2)) return "DELIVERY_FAILED";
  const bool accepted = order.status != v1::ORDER_STATUS_REJECTED &&
                        order.status != v1::ORDER_STATUS_CANCELLED;
  if (Raised(order, Rung::kDeliveryDeadlineMissed2) ||
      (accepted && order.status != v1::ORDER_STATUS_DELIVERED &&
       order.promise.deliver_by > 0 && now > order.promise.deliver_by)) {
    return "DELIVERY_LATE";
  }
  if (Raised(order, Rung::kShipDeadlineMissed2)) return "SHIPMENT_LATE";
  if (ShortOfStock(order) || Raised(order, Rung::kBackorderAged1)) {
    return "BACKORDER";
  }
  if (order.status == v1::ORDER_STATUS_ON_HOLD) return "ON_HOLD";
  if (Raised(order, Rung::kInvoiceMismatch1)) return "INVOICE_MISMATCH";
  if (Raised(order, Rung::kCancelAfterShipment2) ||
      Raised(order, Rung::kDeliveredAfterCancel2)) {
    return "CANCELLED_BUT_SHIPPED";
  }
  if (RaisedKind(order, kAmendmentRejectedKind)) return "AMENDMENT_REJECTED";
  return "NONE_FOUND";
}

std::string_view ContactKindName(int32_t kind) {
  if (!v1::ContactKind_IsValid(kind)) return "OTHER";
  return WithoutPrefix(v1::ContactKind_Name(static_cast<v1::ContactKind>(kind)),
                       "CONTACT_KIND_");
}

std::string ContactEscalationId(const Order& order, std::string_view contact_id,
                                int level) {
  return Cat(order.id, "/",
             KindName(v1::ESCALATION_KIND_CUSTOMER_CONTACT), "/", level, "/",
             FormatRfc3339(InTimeRange(order.placed_at) ? order.placed_at
                                                        : kEarliestTime),
             "/", contact_id);
}

}  // namespace orderflow
