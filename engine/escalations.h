// Rule 7, escalation identity: every (kind, level) an order can be
// escalated at is a Rung, and a rung is RAISED at most once and CLEARED at
// most once, always under the same id "<orderId>/<KIND>/<level>".
#ifndef ORDERFLOW_ENGINE_ESCALATIONS_H_
#define ORDERFLOW_ENGINE_ESCALATIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

enum class Rung : uint8_t {
  kValidationFailed1,
  kCancelAfterShipment2,
  kDeliveryFailed2,
  kShipDeadlineAtRisk1,
  kShipDeadlineMissed2,
  kDeliveryDeadlineMissed2,
  kDeliveryDeadlineMissed3,
  kBackorderAged1,
  kBackorderAged2,
  kInvoiceMismatch1,
  kCount,
};

v1::EscalationKind KindOf(Rung rung);
int LevelOf(Rung rung);
// "SHIP_DEADLINE_MISSED": the kind without its enum prefix.
std::string_view KindName(v1::EscalationKind kind);
std::string EscalationId(std::string_view order_id, Rung rung);

// Which rungs an order has raised and cleared: one bit per rung.
class RungSet {
 public:
  RungSet() = default;
  explicit RungSet(uint32_t bits) : bits_(bits) {}
  bool contains(Rung r) const { return bits_ & Bit(r); }
  void insert(Rung r) { bits_ |= Bit(r); }
  uint32_t bits() const { return bits_; }

 private:
  static uint32_t Bit(Rung r) { return 1u << static_cast<int>(r); }
  uint32_t bits_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ESCALATIONS_H_
