// Rule 12, holds: what a HoldEvent must carry, and what an order's holds
// (engine/order_extras.h OrderHolds) say, read without changing them.
// order_holds.cc applies the events to the order.
//
// A hold is open from its PLACE until its RELEASE. Only a hold placed
// before the order shipped holds it (ON_HOLD); one placed at or after
// SHIPPED is kept only so that its RELEASE is recognised.
//
//   if (std::optional<HoldProblem> p = CheckHoldEvent(event)) {
//     DeadLetter(source, p->reason, p->detail, now, out);
//   }
#ifndef ORDERFLOW_ENGINE_HOLDS_H_
#define ORDERFLOW_ENGINE_HOLDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hold_limits.h"
#include "engine/order_extras.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Why a HoldEvent cannot be applied: a DeadLetter reason (MISSING_FIELD,
// INVALID_VALUE) and what exactly is wrong.
struct HoldProblem {
  std::string_view reason;
  std::string detail;
};
// orderId, holdId, action and occurredAt are required; a PLACE needs a
// type; an enum value the contract does not list is INVALID_VALUE.
std::optional<HoldProblem> CheckHoldEvent(const v1::HoldEvent& event);

// "PAYMENT" for HOLD_TYPE_PAYMENT.
std::string_view HoldTypeName(v1::HoldType type);
// "HOLD_PAYMENT": the reason ON_HOLD gives for a hold of `type`, and the
// reason of a cancellation by its RELEASE with CANCEL_ORDER.
std::string HoldReason(v1::HoldType type);

// Whether `hold` holds its order now: placed before shipment, not released.
inline bool HoldsOrder(const OrderHolds::Hold& hold) {
  return !hold.released && !hold.after_shipment;
}
bool AnyHoldOpen(const OrderHolds& holds);
// The hold with id `id`, or null.
OrderHolds::Hold* FindHold(OrderHolds& holds, std::string_view id);

// ON_HOLD's reasons: HoldReason of each type of the open holds, once, in
// the order the holds were placed.
std::vector<std::string> OnHoldReasons(const OrderHolds& holds);
// "PAYMENT hold H-1 since 2026-03-02 10:00 UTC, FRAUD hold H-2 since ...":
// the open holds, for a person.
std::string OpenHoldsText(const OrderHolds& holds);

// HOLD_AGED at `level` (1: its type's limit, 2: twice): the open hold that
// reaches it first (ties: the first placed), or null when none is open.
const OrderHolds::Hold* FirstToAge(const OrderHolds& holds,
                                   const HoldLimits& limits, int level);
// When that hold reaches `level`; kNever when no hold is open.
EpochMillis AgedAt(const OrderHolds& holds, const HoldLimits& limits, int level);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_HOLDS_H_
