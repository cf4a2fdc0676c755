// The warehouse and carrier of v1.1 (ShippingOptions::parcels): tasks by
// task id, held and released, updated and cancelled; parcels with lines.
#include <algorithm>

#include "engine/text.h"
#include "sim/shipping.h"

namespace orderflow {
namespace {

// Whole lines to the first parcel until it has half the lines (rounded
// up), the rest to the second; a task of one line splits its units.
std::vector<std::vector<v1::ShipmentLine>> Split(const v1::DeliveryTask& task, int parcels) {
  std::vector<std::vector<v1::ShipmentLine>> contents(2);
  auto add = [&contents](int parcel, const std::string& line_id, int32_t quantity) {
    if (quantity <= 0) return;
    v1::ShipmentLine& l = contents[parcel].emplace_back();
    l.set_line_id(line_id);
    l.set_quantity(quantity);
  };
  const int n = task.lines_size();
  for (int i = 0; i < n; ++i) {
    const v1::TaskLine& line = task.lines(i);
    if (parcels < 2) {
      add(0, line.line_id(), line.quantity());
    } else if (n == 1) {
      add(0, line.line_id(), (line.quantity() + 1) / 2);
      add(1, line.line_id(), line.quantity() / 2);
    } else {
      add(i < (n + 1) / 2 ? 0 : 1, line.line_id(), line.quantity());
    }
  }
  return contents;
}

}  // namespace

void ShippingSimulator::OnParcelTask(const v1::DeliveryTask& task, EpochMillis now) {
  const std::string task_id =
      task.task_id().empty() ? Cat(task.order_id(), "/delivery") : task.task_id();
  auto it = tasks_.find(task_id);
  switch (task.action()) {
    case v1::TASK_ACTION_CANCEL:
      if (it != tasks_.end()) {
        it->second.cancelled = true;
      } else {
        CancelOrder(task.order_id());
      }
      return;
    case v1::TASK_ACTION_HOLD:
      if (it != tasks_.end()) it->second.held = true;
      return;
    case v1::TASK_ACTION_RELEASE: {
      if (it == tasks_.end() || !it->second.held) return;
      TaskState& state = it->second;
      state.held = false;
      if (state.deferred.empty()) return;
      // What came due while held is done from now on, half an hour apart
      // as it was planned; the task's later events move with it.
      const Millis moved = now + Minutes(30) - state.deferred.front().at;
      state.shift += moved;
      for (Event e : state.deferred) {
        e.at += moved;
        e.shifted = state.shift;
        events_.push(std::move(e));
      }
      state.deferred.clear();
      return;
    }
    case v1::TASK_ACTION_UPDATE:
      if (it != tasks_.end()) {
        if (it->second.contents.empty()) it->second.task = task;  // nothing shipped yet
        return;
      }
      break;  // an UPDATE of a task never seen: as a CREATE
    default:
      if (it != tasks_.end()) return;  // the same task again
      break;
  }
  TaskState& state = tasks_[task_id];
  state.task = task;
  state.task.set_task_id(task_id);
  PlanParcels(state, now);
}

void ShippingSimulator::CancelOrder(const std::string& order_id) {
  const std::string prefix = Cat(order_id, "/");
  for (auto it = tasks_.lower_bound(prefix);
       it != tasks_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    it->second.cancelled = true;
  }
}

void ShippingSimulator::PlanParcels(TaskState& state, EpochMillis now) {
  const v1::DeliveryTask& task = state.task;
  const EpochMillis ship_by = ToMillis(task.ship_by());
  const EpochMillis deliver_by = ToMillis(task.deliver_by());
  const EpochMillis picked = now + static_cast<Millis>((0.5 + rng_.Uniform() * 3) * Hours(1));
  const EpochMillis packed = picked + static_cast<Millis>(rng_.Uniform() * Hours(1));
  const EpochMillis shipped =
      rng_.Uniform() < options_.late_share
          ? ship_by + static_cast<Millis>((1 + rng_.Uniform() * 10) * Hours(1))
          : std::max(packed + 600000,
                     std::min(ship_by - 5 * Hours(1),
                              packed + static_cast<Millis>(
                                           (0.5 + rng_.Uniform() *
                                                      (options_.max_hours_to_ship - 0.5)) *
                                           Hours(1))));
  const Millis transit = std::max<Millis>(
      2 * Hours(1), static_cast<Millis>((deliver_by - ship_by) * (0.4 + rng_.Uniform() * 0.7)));
  int units = 0;
  for (const v1::TaskLine& line : task.lines()) units += line.quantity();
  const bool split = rng_.Uniform() < options_.split_share && units >= 2;
  state.parcels = split ? 2 : 1;
  split_tasks_ += split;
  const std::string& order = task.order_id();
  auto plan = [&](EpochMillis at, v1::ShipmentStatus status, int parcel) {
    events_.push(Event{at, order, Cat("SH-", task.task_id(), "/", parcel + 1), status,
                       task.task_id(), parcel, 0});
  };
  plan(picked, v1::SHIPMENT_STATUS_PICKED, 0);
  plan(packed, v1::SHIPMENT_STATUS_PACKED, 0);
  for (int parcel = 0; parcel < state.parcels; ++parcel) {
    // The second parcel leaves when the rest of the task is found.
    const Millis later =
        parcel == 0 ? 0 : static_cast<Millis>((2 + rng_.Uniform() * 10) * Hours(1));
    plan(shipped + later, v1::SHIPMENT_STATUS_SHIPPED, parcel);
    if (rng_.Uniform() < options_.failed_share) {
      plan(shipped + later + transit, v1::SHIPMENT_STATUS_DELIVERY_FAILED, parcel);
      plan(shipped + later + transit + Days(1), v1::SHIPMENT_STATUS_DELIVERED, parcel);
    } else {
      plan(shipped + later + transit, v1::SHIPMENT_STATUS_DELIVERED, parcel);
    }
  }
}

void ShippingSimulator::StepParcels(EpochMillis now) {
  while (!events_.empty() && events_.top().at <= now) {
    Event e = events_.top();
    events_.pop();
    TaskState& state = tasks_[e.task_id];
    if (e.shifted != state.shift) {  // a hold moved the task since planned
      e.at += state.shift - e.shifted;
      e.shifted = state.shift;
      events_.push(std::move(e));
      continue;
    }
    const bool left = shipped_.count(e.shipment_id) > 0;  // this parcel shipped
    if (state.cancelled && !left) continue;
    if (state.held && !left) {
      state.deferred.push_back(std::move(e));
      continue;
    }
    SendParcelEvent(state, e);
  }
}

void ShippingSimulator::SendParcelEvent(TaskState& state, const Event& e) {
  v1::ShipmentEvent event = ShipmentRecord(e.order_id, e.shipment_id, e.status, e.at,
                                           "DemoParcel", Cat("DP", e.shipment_id));
  event.set_task_id(e.task_id);
  if (e.status != v1::SHIPMENT_STATUS_PICKED && e.status != v1::SHIPMENT_STATUS_PACKED) {
    // The parcels are made up when the first leaves: the task's lines as
    // they are then (an amendment may have changed them before picking).
    if (state.contents.empty()) state.contents = Split(state.task, state.parcels);
    const std::vector<v1::ShipmentLine>& lines = state.contents[e.parcel];
    if (lines.empty()) return;  // the task shrank to one parcel's worth
    for (const v1::ShipmentLine& line : lines) *event.add_lines() = line;
    if (e.status == v1::SHIPMENT_STATUS_SHIPPED) shipped_.insert(e.shipment_id);
  }
  out_(Topic::kShipments, e.order_id, event, e.at);
}

}  // namespace orderflow
