// Rules 2 and 3, the order's side: the inventory stage answers each of an
// order's stock requests; when every SKU has answered, an order with all
// its lines reserved is ALLOCATED and its delivery task created, one short
// of stock is BACKORDERED (and ALLOCATED when a later answer completes
// it: rule 3's priority is the inventory stage's).
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"

#include "engine/order_shard.h"
#include "engine/text.h"

namespace orderflow {

std::vector<std::string> OrderShard::ShortStockReasons(const Order& order) const {
  std::vector<std::string> reasons;
  // Each SKU once: a line of a small order is compared with the lines
  // before it; a large order's SKUs go through a set.
  const bool few = order.lines.size() <= 8;
  absl::flat_hash_set<SkuId> named;
  for (auto line = order.lines.begin(); line != order.lines.end(); ++line) {
    if (line->reserved) continue;
    const bool again =
        few ? std::any_of(order.lines.begin(), line,
                          [&](const Order::Line& l) {
                            return !l.reserved && l.sku == line->sku;
                          })
            : !named.insert(line->sku).second;
    if (!again) reasons.push_back(Cat("SHORT_STOCK:", SkuName(line->sku)));
  }
  return reasons;
}

using internal::v1::AllocationResult;

void OrderShard::OnAllocationResult(const AllocationResult& result,
                                    Emitter& out) {
  OnAllocationResult(FromProto(result), out);
}

void OrderShard::OnAllocationResult(const StockAnswer& result, Emitter& out) {
  // Decided when the inventory stage decided (rule 8), whatever the route
  // and whatever this shard's clock says by the time the result comes:
  // what the result decides is stamped at its own time, as if it had come
  // straight away, and the shard's clock stays the time of its own records
  // (a result neither moves it back nor forward).
  const EpochMillis clock = clock_;
  clock_ = result.decided_at.value_or(clock_);
  ApplyAllocationResult(result, clock, out);
  clock_ = clock;
}

void OrderShard::ApplyAllocationResult(const StockAnswer& result,
                                       EpochMillis shard_clock, Emitter& out) {
  Order* found = Find(result.order_id);
  if (found == nullptr) return;
  Order& order = *found;
  Changed(order.id);
  const bool preempted = !result.preempted_by.empty();  // rule 9
  const bool taken_back = !result.taken_back_by.empty();  // rule 9
  const v1::OrderStatus status = order.status;
  if (status != v1::ORDER_STATUS_ACCEPTED &&
      status != v1::ORDER_STATUS_BACKORDERED &&
      status != v1::ORDER_STATUS_ON_HOLD &&
      !(status == v1::ORDER_STATUS_ALLOCATED &&
        (AwaitsResize(order) || preempted || taken_back))) {
    // Cancelled or shipped meanwhile; inventory has been told. An order
    // that shipped before its line's preemption reached it refuses it
    // (rule 9): what it shipped came out of the units the line lost.
    if (preempted && HasShipped(status)) ApplyPreemption(order, result, out);
    return;
  }
  if (!preempted && !taken_back && ServesRefusedLine(order, result)) return;
  // Decided after the shard's clock: the order's own timers due by then
  // fire first, at their due times (its backorder aged before the receipt
  // that completes it), as they would have with the clock there. The
  // shard's other orders wait for its clock.
  const EpochMillis decided_at = clock_;
  while (decided_at > shard_clock && order.timer_due <= decided_at) {
    const EpochMillis due = order.timer_due;
    order.timer_due = kNever;  // its entry in the queue is dead from now
    clock_ = std::max(due, shard_clock);
    FireDeadlines(order, due, out);
    Reschedule(order);
  }
  clock_ = decided_at;
  if (preempted || taken_back) {
    if (preempted) {
      ApplyPreemption(order, result, out);
    } else {
      ApplyTakeBack(order, result, out);
    }
    Reschedule(order);
    return;
  }
  const bool complete = result.reserved >= result.requested;
  const bool sourced = IsSourced(order);
  if (sourced && result.line) {
    NoteLineAnswer(order, result);
  } else if (const std::optional<SkuId> sku = store_.InternedId(result.sku)) {
    sku_lines_.ForEachOf(order, *sku,
                         [&](uint32_t i) { order.lines[i].reserved = complete; });
  }
  if (result.first_answer && order.awaiting_answers > 0) {
    --order.awaiting_answers;
  }
  if (NoteResizeAnswer(order, result, out)) {  // rule 11
    Reschedule(order);
    return;
  }
  if (order.awaiting_answers > 0) return;
  if (IsHeld(order)) {  // rule 12: it keeps the stock, the status waits
    Reschedule(order);
    return;
  }
  const bool all_reserved =
      std::all_of(order.lines.begin(), order.lines.end(),
                  [](const Order::Line& l) { return l.reserved; });
  if (all_reserved) {
    Allocate(order, out);
  } else if (order.status == v1::ORDER_STATUS_ACCEPTED) {
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED, ShortStockReasons(order), out);
  }
  if (!all_reserved && sourced &&
      config_.sourcing.fulfilment == SourcingConfig::Fulfilment::kShipAvailable) {
    EmitSourcedTasks(order, out);  // what is reserved goes now
  }
  Reschedule(order);
}

void OrderShard::Allocate(Order& order, Emitter& out) {
  SetStatus(order, v1::ORDER_STATUS_ALLOCATED, {}, out);
  if (IsSourced(order)) {
    EmitSourcedTasks(order, out);  // one per warehouse (rule 9)
  } else {
    EmitTask(order, v1::TASK_ACTION_CREATE, out);
  }
  order.task_created = true;
  // (An order whose tasks preemption may renew keeps its address for the
  // tasks that follow.)
  if (!TasksMayBeRenewed(order)) ship_to().Drop(order);
  Clear(order, Rung::kBackorderAged1, out);
  Clear(order, Rung::kBackorderAged2, out);
}

}  // namespace orderflow
