// Rule 9's preemption, the order's side (sourcing.preempt): a STANDARD
// order whose line's reservation an OVERNIGHT or EXPRESS order took
// (inventory_preemption.cc decides which) goes BACKORDERED with reason
// PREEMPTED_BY:<orderId> and its tasks are CANCELled.
//
// Its other lines keep their reservations: the order waits for the
// preempted line only, as any order short of one line does, and the
// inventory stage serves that line first when stock comes. Once it is
// reserved again the order is ALLOCATED and its tasks are created anew,
// numbered after those cancelled, so that no task id is used twice.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/order_shard.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void OrderShard::ApplyPreemption(Order& order, const StockAnswer& result,
                                 Emitter& out) {
  if (!IsSourced(order) || !result.line || *result.line >= order.lines.size()) {
    return;
  }
  LineSourcing& sourcing = order.extras->sourcing;
  uint16_t highest = sourcing.tasks_cancelled_up_to;
  for (const auto& [warehouse, number] : CreatedTasks(order)) {
    highest = std::max(highest, number);
  }
  if (order.status == v1::ORDER_STATUS_ALLOCATED) {
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED,
              {Cat("PREEMPTED_BY:", result.preempted_by)}, out);
  }
  // The tasks are cancelled as they were, the taken line in them; then
  // the line holds nothing (an answer again drops its task number).
  CancelSourcedTasks(order, out);
  NoteLineAnswer(order, result);
  for (LineSourcing::Line& line : sourcing.lines) {
    line.task = 0;
    for (LineSourcing::Line::Part& part : line.more) part.task = 0;
  }
  sourcing.tasks_cancelled_up_to = highest;
  order.task_created = false;
  // The tasks a hold had paused are gone: none is RELEASEd, and the next
  // hold pauses the new ones.
  order.extras->holds.task_held = false;
  if (order.status != v1::ORDER_STATUS_ON_HOLD &&
      config_.sourcing.fulfilment == SourcingConfig::Fulfilment::kShipAvailable) {
    EmitSourcedTasks(order, out);  // what is still reserved goes now
  }
}

void OrderShard::TellPicked(const Order& order, Emitter& out) {
  if (!MayBePreempted(order) || order.work_reported != 0 ||
      (order.status != v1::ORDER_STATUS_ALLOCATED &&
       order.status != v1::ORDER_STATUS_BACKORDERED &&
       order.status != v1::ORDER_STATUS_ON_HOLD)) {
    return;
  }
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    AskLine(order, i, AllocationRequest::ACTION_PICKED, {}, out);
  }
}

}  // namespace orderflow
