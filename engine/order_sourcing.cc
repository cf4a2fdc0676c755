// Rule 9, the order's side: with warehouses configured an order asks for
// each line on its own (with its ship-to country, which orders the
// warehouses), learns which warehouse each line is reserved at, and gets
// one DeliveryTask per warehouse: when every line is reserved
// (ship_complete), or a warehouse's task as soon as lines there are
// reserved and the rest in later tasks (ship_available). Task ids are
// "<orderId>/delivery/<warehouseId>", and "/<n>" after it for that
// warehouse's n-th task of the order (engine/outputs.h AppendTaskId).
#include <algorithm>
#include <utility>
#include <vector>

#include "engine/order_shard.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void OrderShard::StartSourcing(Order& order) {
  if (order.extras == nullptr) order.extras = std::make_unique<OrderExtras>();
  order.extras->sourcing.lines.assign(order.lines.size(), LineSourcing::Line{});
}

void OrderShard::AskLine(const Order& order, uint32_t i,
                         StockRequest::Action action, std::string_view country,
                         Emitter& out, int64_t units) {
  StockRequest& r = RequestFor(order, action);
  r.sku = SkuName(order.lines[i].sku);
  r.quantity = units > 0 ? units : order.lines[i].quantity;
  r.line = i;
  const uint16_t w = order.extras->sourcing.lines[i].warehouse;
  if (w == LineSourcing::kNowhere) {
    r.warehouse_id.clear();
  } else {
    r.warehouse_id = config_.sourcing.warehouses[w].id;
  }
  r.country.assign(country.data(), country.size());
  out.SendToInventory(r);
  // The scratch request's v1 form again.
  r.line.reset();
  r.warehouse_id.clear();
  r.country.clear();
}

void OrderShard::ConsumeLines(const Order& order,
                              absl::Span<const uint32_t> lines, Emitter& out) {
  for (uint32_t i : lines) {
    AskLine(order, i, AllocationRequest::ACTION_CONSUME, {}, out);
  }
}

std::vector<uint32_t> OrderShard::SourcedTaskLines(const Order& order,
                                                   std::string_view task_id) const {
  std::vector<uint32_t> found;
  const std::vector<LineSourcing::Line>& lines = order.extras->sourcing.lines;
  std::string id;
  for (uint32_t i = 0; i < lines.size(); ++i) {
    if (lines[i].task == 0 || lines[i].warehouse == LineSourcing::kNowhere) continue;
    TaskOutput t;
    t.order_id = order.id;
    t.warehouse_id = config_.sourcing.warehouses[lines[i].warehouse].id;
    t.number = lines[i].task;
    id.clear();
    AppendTaskId(t, &id);
    if (id == task_id) found.push_back(i);
  }
  return found;
}

void OrderShard::NoteLineAnswer(Order& order, const StockAnswer& result) {
  const uint32_t i = *result.line;
  if (i >= order.lines.size()) return;
  order.lines[i].reserved = result.reserved >= result.requested;
  order.extras->sourcing.lines[i].warehouse =
      config_.sourcing.Find(result.warehouse_id).value_or(LineSourcing::kNowhere);
}

void OrderShard::EmitSourcedTasks(Order& order, Emitter& out) {
  std::vector<LineSourcing::Line>& lines = order.extras->sourcing.lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!order.lines[i].reserved || lines[i].task != 0 ||
        lines[i].warehouse == LineSourcing::kNowhere) {
      continue;
    }
    // A new task of this warehouse: every reserved line there not yet in
    // one, numbered after the warehouse's earlier tasks.
    const uint16_t w = lines[i].warehouse;
    uint16_t number = 1;
    for (const LineSourcing::Line& l : lines) {
      if (l.warehouse == w) number = std::max<uint16_t>(number, l.task + 1);
    }
    for (size_t j = i; j < lines.size(); ++j) {
      if (lines[j].warehouse == w && order.lines[j].reserved && lines[j].task == 0) {
        lines[j].task = number;
      }
    }
    EmitWarehouseTask(order, w, number, v1::TASK_ACTION_CREATE, out);
    order.task_created = true;
  }
}

void OrderShard::CancelSourcedTasks(const Order& order, Emitter& out) {
  const std::vector<LineSourcing::Line>& lines = order.extras->sourcing.lines;
  std::vector<std::pair<uint16_t, uint16_t>> done;
  for (const LineSourcing::Line& l : lines) {
    if (l.task == 0) continue;
    const std::pair<uint16_t, uint16_t> task{l.warehouse, l.task};
    if (std::find(done.begin(), done.end(), task) != done.end()) continue;
    done.push_back(task);
    EmitWarehouseTask(order, l.warehouse, l.task, v1::TASK_ACTION_CANCEL, out);
  }
}

void OrderShard::EmitWarehouseTask(const Order& order, uint16_t warehouse,
                                   uint16_t number, v1::TaskAction action,
                                   Emitter& out) {
  const std::vector<LineSourcing::Line>& sourcing = order.extras->sourcing.lines;
  std::vector<TaskOutputLine>& lines = task_lines_;
  lines.clear();
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (sourcing[i].warehouse != warehouse || sourcing[i].task != number) continue;
    lines.push_back(TaskOutputLine{order.LineId(i), SkuName(order.lines[i].sku),
                                   order.lines[i].quantity});
  }
  TaskOutput task{order.id,      action,
                  lines,         order.level,
                  std::nullopt,  order.promise.ship_by,
                  order.promise.deliver_by, clock_,
                  config_.sourcing.warehouses[warehouse].id, number};
  if (action == v1::TASK_ACTION_CREATE || action == v1::TASK_ACTION_UPDATE) {
    task.ship_to = TaskShipTo(order);
  }
  out.SendTask(task);
}

}  // namespace orderflow
