#include "engine/holds.h"

#include <algorithm>

#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

namespace {

EpochMillis AgedAt(const OrderHolds::Hold& hold, const HoldLimits& limits,
                   int level) {
  return hold.placed_at + level * limits.For(hold.type);
}

}  // namespace

std::optional<HoldProblem> CheckHoldEvent(const v1::HoldEvent& e) {
  auto missing = [](std::string_view field) {
    return HoldProblem{"MISSING_FIELD", Cat(field, " missing")};
  };
  auto invalid = [](std::string_view field, int value, std::string_view what) {
    return HoldProblem{"INVALID_VALUE",
                       Cat(field, " ", value, " is not a ", what)};
  };
  if (e.order_id().empty()) return missing("orderId");
  if (e.hold_id().empty()) return missing("holdId");
  if (e.action() == v1::HOLD_ACTION_UNSPECIFIED) return missing("action");
  if (!v1::HoldAction_IsValid(e.action())) {
    return invalid("action", e.action(), "hold action");
  }
  if (!e.has_occurred_at()) return missing("occurredAt");
  if (!v1::HoldType_IsValid(e.type())) {
    return invalid("type", e.type(), "hold type");
  }
  if (e.action() == v1::HOLD_ACTION_PLACE &&
      e.type() == v1::HOLD_TYPE_UNSPECIFIED) {
    return missing("type");
  }
  if (!v1::HoldOutcome_IsValid(e.outcome())) {
    return invalid("outcome", e.outcome(), "hold outcome");
  }
  if (e.action() == v1::HOLD_ACTION_PLACE &&
      e.outcome() != v1::HOLD_OUTCOME_UNSPECIFIED) {
    return HoldProblem{"INVALID_VALUE", "outcome is given only on RELEASE"};
  }
  return std::nullopt;
}

std::string_view HoldTypeName(v1::HoldType type) {
  return WithoutPrefix(v1::HoldType_Name(type), "HOLD_TYPE_");
}

std::string HoldReason(v1::HoldType type) {
  return Cat("HOLD_", HoldTypeName(type));
}

bool AnyHoldOpen(const OrderHolds& holds) {
  return std::any_of(holds.holds.begin(), holds.holds.end(), HoldsOrder);
}

OrderHolds::Hold* FindHold(OrderHolds& holds, std::string_view id) {
  for (OrderHolds::Hold& h : holds.holds) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

std::vector<std::string> OnHoldReasons(const OrderHolds& holds) {
  std::vector<std::string> reasons;
  for (const OrderHolds::Hold& h : holds.holds) {
    if (!HoldsOrder(h)) continue;
    std::string reason = HoldReason(h.type);
    if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
      reasons.push_back(std::move(reason));
    }
  }
  return reasons;
}

std::string OpenHoldsText(const OrderHolds& holds) {
  std::vector<std::string> parts;
  for (const OrderHolds::Hold& h : holds.holds) {
    if (!HoldsOrder(h)) continue;
    parts.push_back(Cat(HoldTypeName(h.type), " hold ", h.id, " since ",
                        FormatTime(h.placed_at)));
  }
  return Join(parts, ", ");
}

const OrderHolds::Hold* FirstToAge(const OrderHolds& holds,
                                   const HoldLimits& limits, int level) {
  const OrderHolds::Hold* first = nullptr;
  for (const OrderHolds::Hold& h : holds.holds) {
    if (!HoldsOrder(h)) continue;
    if (first == nullptr ||
        AgedAt(h, limits, level) < AgedAt(*first, limits, level)) {
      first = &h;
    }
  }
  return first;
}

EpochMillis AgedAt(const OrderHolds& holds, const HoldLimits& limits,
                   int level) {
  const OrderHolds::Hold* first = FirstToAge(holds, limits, level);
  return first == nullptr ? kNever : AgedAt(*first, limits, level);
}

}  // namespace orderflow
