#include "sim/shipping.h"

#include <algorithm>

#include "engine/text.h"

namespace orderflow {

void ShippingSimulator::OnTask(const v1::DeliveryTask& task, EpochMillis now) {
  if (options_.parcels) {
    OnParcelTask(task, now);
    return;
  }
  const std::string& id = task.order_id();
  if (task.action() == v1::TASK_ACTION_CANCEL) {
    if (!shipped_.count(id)) cancelled_.insert(id);
    return;
  }
  if (!planned_.insert(id).second) return;  // the same task again
  const EpochMillis ship_by = ToMillis(task.ship_by());
  const EpochMillis deliver_by = ToMillis(task.deliver_by());
  const std::string shipment = Cat("SH-", id);
  const EpochMillis picked = now + static_cast<Millis>((0.5 + rng_.Uniform() * 3) * Hours(1));
  const EpochMillis packed = picked + static_cast<Millis>(rng_.Uniform() * Hours(1));
  // Most leave within hours; 5 % miss their ship-by time.
  EpochMillis shipped =
      rng_.Uniform() < options_.late_share
          ? ship_by + static_cast<Millis>((1 + rng_.Uniform() * 10) * Hours(1))
          : std::max(packed + 600000,
                     std::min(ship_by - 5 * Hours(1),
                              packed + static_cast<Millis>(
                                           (0.5 + rng_.Uniform() * (options_.max_hours_to_ship - 0.5)) *
                                           Hours(1))));
  const Millis transit = std::max<Millis>(
      2 * Hours(1), static_cast<Millis>((deliver_by - ship_by) * (0.4 + rng_.Uniform() * 0.7)));
  const EpochMillis delivered = shipped + transit;
  Plan(picked, id, shipment, v1::SHIPMENT_STATUS_PICKED);
  Plan(packed, id, shipment, v1::SHIPMENT_STATUS_PACKED);
  Plan(shipped, id, shipment, v1::SHIPMENT_STATUS_SHIPPED);
  if (rng_.Uniform() < options_.failed_share) {
    Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERY_FAILED);
    Plan(delivered + Days(1), id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
  } else {
    Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
  }
}

void ShippingSimulator::Step(EpochMillis now) {
  if (options_.parcels) {
    StepParcels(now);
    return;
  }
  while (!events_.empty() && events_.top().at <= now) {
    const Event e = events_.top();
    events_.pop();
    if (cancelled_.count(e.order_id)) continue;
    if (e.status == v1::SHIPMENT_STATUS_SHIPPED) shipped_.insert(e.order_id);
    out_(Topic::kShipments, e.order_id,
         ShipmentRecord(e.order_id, e.shipment_id, e.status, e.at, "DemoParcel",
                        Cat("DP", e.shipment_id)),
         e.at);
  }
}

}  // namespace orderflow
