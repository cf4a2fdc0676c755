// Rule 7, escalation identity: every (kind, level) an order can be
// escalated at is a Rung, and a rung is RAISED at most once and CLEARED at
// most once, always under the same id
// "<orderId>/<KIND>/<level>/<placedAt>" (EscalationId below).
#ifndef ORDERFLOW_ENGINE_ESCALATIONS_H_
#define ORDERFLOW_ENGINE_ESCALATIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/time.h"
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
  kDeliveredAfterCancel2,  // rule 13
  // Rule 12 (holds).
  kHoldAged1,
  kHoldAged2,
  kHoldAfterShipment2,
  kAmendmentRejected1,  // rule 11
  kCount,
};

v1::EscalationKind KindOf(Rung rung);
int LevelOf(Rung rung);
// "SHIP_DEADLINE_MISSED": the kind without its enum prefix.
std::string_view KindName(v1::EscalationKind kind);
// "SO-1001/SHIP_DEADLINE_MISSED/2/2026-03-02T10:00:00Z": the order's id,
// the rung's kind and level, and the order's placedAt in RFC 3339 UTC as
// the contract writes times (milliseconds only when there are some). The
// placedAt keeps ids apart for the life of the topic: an order id sent
// again after its closed order was forgotten (retention.closed_orders) is
// a new order, and its escalations must not repeat the old one's. An order
// without a placedAt the engine could use (it is then rejected) writes
// 1970-01-01T00:00:00Z.
std::string EscalationId(std::string_view order_id, Rung rung,
                         EpochMillis placed_at);

// Which rungs an order has raised and cleared: one bit per rung, in 16
// bits (an order keeps two). Bits of no rung are dropped.
class RungSet {
 public:
  RungSet() = default;
  explicit RungSet(uint32_t bits) : bits_(static_cast<uint16_t>(bits & kAll)) {}
  bool contains(Rung r) const { return bits_ & Bit(r); }
  void insert(Rung r) { bits_ |= Bit(r); }
  uint32_t bits() const { return bits_; }

 private:
  static_assert(static_cast<int>(Rung::kCount) <= 16);
  static constexpr uint32_t kAll = (1u << static_cast<int>(Rung::kCount)) - 1;
  static uint16_t Bit(Rung r) { return static_cast<uint16_t>(1u << static_cast<int>(r)); }
  uint16_t bits_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ESCALATIONS_H_
