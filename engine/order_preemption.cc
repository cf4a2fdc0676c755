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
//
// The inventory stage learns of warehouse work on an order from the
// order stage (TellPicked), so an answer may preempt a line whose order
// was picked, or even shipped, while that news was on its way. Such an
// order refuses: it keeps its line, tasks and status, and tells the
// inventory stage (ACTION_REFUSE_PREEMPTION, with the line's units not
// shipped yet), which gives it those units back and takes the line's
// units from the urgent line. (What it shipped meanwhile has left the
// warehouse: its CONSUME of the waiting line took it off on-hand.) That
// line's order is told (taken_back_by): its tasks are CANCELled, an
// ALLOCATED one goes BACKORDERED with reason
// PREEMPTED_ORDER_PICKED:<orderId>, and it asks for the line again, as
// an urgent line that would wait (other stock, another preemptible line,
// or waiting in rule 3's order). Answers that served the refused line
// meanwhile are stale (ServesRefusedLine).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/order_shard.h"
#include "engine/parcels.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void OrderShard::ApplyPreemption(Order& order, const StockAnswer& result,
                                 Emitter& out) {
  if (!IsSourced(order) || !result.line || *result.line >= order.lines.size()) {
    return;
  }
  if (WorkBegun(order)) {
    // Picked, packed or shipped before the answer came: not preemptible.
    // Its line, tasks and status stay; a line it does not hold (it cannot
    // have been taken) is left to its answers.
    if (order.lines[*result.line].reserved) RefusePreemption(order, result, out);
    return;
  }
  CancelTasksForLostLine(order, Cat("PREEMPTED_BY:", result.preempted_by), out);
  NoteLineAnswer(order, result);  // the line holds nothing
  ShipWhatIsStillReserved(order, out);
}

void OrderShard::RefusePreemption(const Order& order, const StockAnswer& result,
                                  Emitter& out) {
  const uint32_t i = *result.line;
  StockRequest& r = RequestFor(order, AllocationRequest::ACTION_REFUSE_PREEMPTION);
  r.sku = SkuName(order.lines[i].sku);
  r.quantity = UnitsNotShipped(order, i);  // what the line is to hold again
  r.line = i;
  const uint16_t w = order.lines[i].warehouse;
  if (w != LineSourcing::kNowhere) r.warehouse_id = config_.sourcing.warehouses[w].id;
  r.preempted_by = result.preempted_by;
  r.preempted_by_line = result.preempted_by_line;
  out.SendToInventory(r);
  // The scratch request's v1 form again.
  r.line.reset();
  r.warehouse_id.clear();
  r.preempted_by.clear();
  r.preempted_by_line.reset();
}

void OrderShard::ApplyTakeBack(Order& order, const StockAnswer& result,
                               Emitter& out) {
  if (!IsSourced(order) || !result.line || *result.line >= order.lines.size()) {
    return;
  }
  const uint32_t i = *result.line;
  CancelTasksForLostLine(
      order, Cat("PREEMPTED_ORDER_PICKED:", result.taken_back_by), out);
  order.lines[i].reserved = false;  // it holds nothing; asked for again
  DropMoreParts(order, i);
  ++order.awaiting_answers;
  AskLine(order, i, AllocationRequest::ACTION_RESERVE,
          SkuName(store_.SourcingCountry(order)), out);
  ShipWhatIsStillReserved(order, out);
}

void OrderShard::CancelTasksForLostLine(Order& order, std::string reason,
                                        Emitter& out) {
  uint16_t highest = TasksCancelledUpTo(order);
  for (const auto& [warehouse, number] : CreatedTasks(order)) {
    highest = std::max(highest, number);
  }
  if (order.status == v1::ORDER_STATUS_ALLOCATED) {
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED, {std::move(reason)}, out);
  }
  // The tasks are cancelled as they were, the lost line in them.
  CancelSourcedTasks(order, out);
  for (Order::Line& line : order.lines) line.task = 0;
  LineSourcing& sourcing = order.Extras().sourcing;
  for (std::vector<LineSourcing::Part>& parts : sourcing.more) {
    for (LineSourcing::Part& part : parts) part.task = 0;
  }
  sourcing.tasks_cancelled_up_to = highest;
  order.task_created = false;
  // The tasks a hold had paused are gone: none is RELEASEd, and the next
  // hold pauses the new ones.
  order.extras->holds.task_held = false;
}

void OrderShard::ShipWhatIsStillReserved(Order& order, Emitter& out) {
  if (!IsHeld(order) &&
      config_.sourcing.fulfilment == SourcingConfig::Fulfilment::kShipAvailable) {
    EmitSourcedTasks(order, out);
  }
}

bool OrderShard::ServesRefusedLine(const Order& order,
                                   const StockAnswer& result) const {
  return !result.first_answer && result.line && MayBePreempted(order) &&
         WorkBegun(order) && *result.line < order.lines.size() &&
         order.lines[*result.line].reserved;
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
