#include "engine/escalations.h"

#include "engine/text.h"

namespace orderflow {

v1::EscalationKind KindOf(Rung rung) {
  switch (rung) {
    case Rung::kValidationFailed1: return v1::ESCALATION_KIND_VALIDATION_FAILED;
    case Rung::kCancelAfterShipment2:
      return v1::ESCALATION_KIND_CANCEL_AFTER_SHIPMENT;
    case Rung::kDeliveryFailed2: return v1::ESCALATION_KIND_DELIVERY_FAILED;
    case Rung::kShipDeadlineAtRisk1:
      return v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK;
    case Rung::kShipDeadlineMissed2:
      return v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED;
    case Rung::kDeliveryDeadlineMissed2:
    case Rung::kDeliveryDeadlineMissed3:
      return v1::ESCALATION_KIND_DELIVERY_DEADLINE_MISSED;
    case Rung::kBackorderAged1:
    case Rung::kBackorderAged2: return v1::ESCALATION_KIND_BACKORDER_AGED;
    case Rung::kInvoiceMismatch1: return v1::ESCALATION_KIND_INVOICE_MISMATCH;
    case Rung::kDeliveredAfterCancel2:
      return v1::ESCALATION_KIND_DELIVERED_AFTER_CANCEL;
    case Rung::kHoldAged1:
    case Rung::kHoldAged2: return v1::ESCALATION_KIND_HOLD_AGED;
    case Rung::kHoldAfterShipment2:
      return v1::ESCALATION_KIND_HOLD_AFTER_SHIPMENT;
    case Rung::kAmendmentRejected1:
      return v1::ESCALATION_KIND_AMENDMENT_REJECTED;
    case Rung::kCount: break;
  }
  return v1::ESCALATION_KIND_UNSPECIFIED;
}

int LevelOf(Rung rung) {
  switch (rung) {
    case Rung::kValidationFailed1:
    case Rung::kShipDeadlineAtRisk1:
    case Rung::kBackorderAged1:
    case Rung::kInvoiceMismatch1:
    case Rung::kHoldAged1: return 1;
    case Rung::kAmendmentRejected1: return 1;
    case Rung::kCancelAfterShipment2:
    case Rung::kDeliveryFailed2:
    case Rung::kShipDeadlineMissed2:
    case Rung::kDeliveryDeadlineMissed2:
    case Rung::kBackorderAged2:
    case Rung::kDeliveredAfterCancel2: return 2;
    case Rung::kHoldAged2:
    case Rung::kHoldAfterShipment2: return 2;
    case Rung::kDeliveryDeadlineMissed3: return 3;
    case Rung::kCount: break;
  }
  return 0;
}

std::string_view KindName(v1::EscalationKind kind) {
  std::string_view name = v1::EscalationKind_Name(kind);
  constexpr std::string_view kPrefix = "ESCALATION_KIND_";
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return name;
}

std::string EscalationId(std::string_view order_id, Rung rung,
                         EpochMillis placed_at) {
  return Cat(order_id, "/", KindName(KindOf(rung)), "/", LevelOf(rung), "/",
             FormatRfc3339(InTimeRange(placed_at) ? placed_at : kEarliestTime));
}

}  // namespace orderflow
