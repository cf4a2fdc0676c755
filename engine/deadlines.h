// Rule 6, deadlines: when an order is due to ship and to arrive, and when
// each timed rung of the escalation ladder falls due for it.
#ifndef ORDERFLOW_ENGINE_DEADLINES_H_
#define ORDERFLOW_ENGINE_DEADLINES_H_

#include "engine/config.h"
#include "engine/escalations.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct Promise {
  EpochMillis deliver_by;  // promisedDeliveryAt, given or by service level
  EpochMillis ship_by;     // deliver_by minus the service level's transit
};

Promise PromiseFor(const v1::OrderPlaced& order, const EngineConfig& config);

// What the ladder needs to know of an order.
struct LadderPosition {
  v1::OrderStatus status;
  Promise promise;
  EpochMillis backordered_since;  // meaningful while BACKORDERED
  // Rule 10: some parcels have shipped, not every unit: the ship deadline
  // still holds whatever the status says.
  bool units_unshipped = false;
};

// The timed rungs, in the order they are raised when due together.
inline constexpr Rung kTimedRungs[] = {
    Rung::kShipDeadlineAtRisk1,    Rung::kShipDeadlineMissed2,
    Rung::kDeliveryDeadlineMissed2, Rung::kDeliveryDeadlineMissed3,
    Rung::kBackorderAged1,          Rung::kBackorderAged2};

// When `rung` falls due for an order in this position, or kNever when the
// position rules it out (shipped orders are not at risk of missing shipBy).
EpochMillis DueAt(Rung rung, const LadderPosition& p, const EngineConfig& c);

// The earliest due time of a timed rung not yet raised; kNever if none.
EpochMillis NextDue(const LadderPosition& p, RungSet raised,
                    const EngineConfig& c);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_DEADLINES_H_
