// Rule 9, the order's side: with warehouses configured an order asks for
// each line on its own (with its ship-to country, which orders the
// warehouses), learns which warehouse each line is reserved at, and gets
// one DeliveryTask per warehouse: when every line is reserved
// (ship_complete), or a warehouse's task as soon as lines there are
// reserved and the rest in later tasks (ship_available). Task ids are
// "<orderId>/delivery/<warehouseId>", and "/<n>" after it for that
// warehouse's n-th task of the order (engine/outputs.h AppendTaskId).
// With split_lines a line may be reserved in parts at several warehouses;
// each part goes in its warehouse's task with its units.
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

std::vector<OrderShard::LinePart> OrderShard::LineParts(const Order& order) const {
  std::vector<LinePart> parts;
  const std::vector<LineSourcing::Line>& lines = order.extras->sourcing.lines;
  for (uint32_t i = 0; i < lines.size(); ++i) {
    int32_t first = order.lines[i].quantity;
    for (const LineSourcing::Line::Part& p : lines[i].more) first -= p.units;
    parts.push_back(LinePart{i, 0, lines[i].warehouse, lines[i].task, first});
    for (size_t k = 0; k < lines[i].more.size(); ++k) {
      const LineSourcing::Line::Part& p = lines[i].more[k];
      parts.push_back(LinePart{i, static_cast<uint16_t>(k + 1), p.warehouse,
                               p.task, p.units});
    }
  }
  return parts;
}

std::vector<std::pair<uint16_t, uint16_t>> OrderShard::CreatedTasks(
    const Order& order) const {
  std::vector<std::pair<uint16_t, uint16_t>> done;
  for (const LinePart& p : LineParts(order)) {
    if (p.task == 0) continue;
    const std::pair<uint16_t, uint16_t> task{p.warehouse, p.task};
    if (std::find(done.begin(), done.end(), task) == done.end()) done.push_back(task);
  }
  return done;
}

void OrderShard::AskLine(const Order& order, uint32_t i,
                         StockRequest::Action action, std::string_view country,
                         Emitter& out, int64_t units, uint16_t at) {
  StockRequest& r = RequestFor(order, action);
  r.sku = SkuName(order.lines[i].sku);
  r.quantity = units > 0 ? units : order.lines[i].quantity;
  r.line = i;
  const uint16_t w =
      at != LineSourcing::kNowhere ? at : order.extras->sourcing.lines[i].warehouse;
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

bool OrderShard::PartIsInTask(const Order& order, const LinePart& part,
                              std::string_view task_id, std::string& scratch) const {
  if (part.task == 0 || part.warehouse == LineSourcing::kNowhere) return false;
  TaskOutput t;
  t.order_id = order.id;
  t.warehouse_id = config_.sourcing.warehouses[part.warehouse].id;
  t.number = part.task;
  scratch.clear();
  AppendTaskId(t, &scratch);
  return scratch == task_id;
}

std::vector<std::pair<uint32_t, int32_t>> OrderShard::SourcedTaskLines(
    const Order& order, std::string_view task_id) const {
  std::vector<std::pair<uint32_t, int32_t>> found;
  std::string scratch;
  for (const LinePart& p : LineParts(order)) {
    if (PartIsInTask(order, p, task_id, scratch)) found.emplace_back(p.line, p.units);
  }
  return found;
}

uint16_t OrderShard::TaskWarehouse(const Order& order,
                                   std::string_view task_id) const {
  if (task_id.empty() || !IsSourced(order)) return LineSourcing::kNowhere;
  std::string scratch;
  for (const LinePart& p : LineParts(order)) {
    if (PartIsInTask(order, p, task_id, scratch)) return p.warehouse;
  }
  return LineSourcing::kNowhere;
}

void OrderShard::NoteLineAnswer(Order& order, const StockAnswer& result) {
  const uint32_t i = *result.line;
  if (i >= order.lines.size()) return;
  order.lines[i].reserved = result.reserved >= result.requested;
  LineSourcing::Line& line = order.extras->sourcing.lines[i];
  const uint16_t w =
      config_.sourcing.Find(result.warehouse_id).value_or(LineSourcing::kNowhere);
  // A line's answers restate all its parts: the first asks for the whole
  // line; each further part asks for what the line still lacked
  // (inventory_shard.h AnswerParts).
  if (result.requested >= order.lines[i].quantity ||
      line.warehouse == LineSourcing::kNowhere) {
    line.warehouse = w;
    line.more.clear();
  } else {
    line.more.push_back(LineSourcing::Line::Part{
        w, 0, static_cast<int32_t>(result.reserved)});
  }
}

void OrderShard::EmitSourcedTasks(Order& order, Emitter& out) {
  std::vector<LineSourcing::Line>& lines = order.extras->sourcing.lines;
  std::vector<LinePart> parts = LineParts(order);
  const auto task_of = [&](const LinePart& p) -> uint16_t& {
    return p.part == 0 ? lines[p.line].task : lines[p.line].more[p.part - 1].task;
  };
  for (size_t a = 0; a < parts.size(); ++a) {
    if (!order.lines[parts[a].line].reserved || parts[a].task != 0 ||
        parts[a].warehouse == LineSourcing::kNowhere) {
      continue;
    }
    // A new task of this warehouse: every reserved line (or part of one)
    // there not yet in one, numbered after the warehouse's earlier tasks.
    const uint16_t w = parts[a].warehouse;
    uint16_t number = 1;
    for (const LinePart& p : parts) {
      if (p.warehouse == w) number = std::max<uint16_t>(number, p.task + 1);
    }
    for (size_t b = a; b < parts.size(); ++b) {
      if (parts[b].warehouse == w && order.lines[parts[b].line].reserved &&
          parts[b].task == 0) {
        parts[b].task = number;
        task_of(parts[b]) = number;
      }
    }
    EmitWarehouseTask(order, w, number, v1::TASK_ACTION_CREATE, out);
    order.task_created = true;
  }
}

void OrderShard::CancelSourcedTasks(const Order& order, Emitter& out) {
  for (const auto& [warehouse, number] : CreatedTasks(order)) {
    EmitWarehouseTask(order, warehouse, number, v1::TASK_ACTION_CANCEL, out);
  }
}

void OrderShard::EmitWarehouseTask(const Order& order, uint16_t warehouse,
                                   uint16_t number, v1::TaskAction action,
                                   Emitter& out) {
  std::vector<TaskOutputLine>& lines = task_lines_;
  lines.clear();
  for (const LinePart& p : LineParts(order)) {
    if (p.warehouse != warehouse || p.task != number) continue;
    lines.push_back(TaskOutputLine{order.LineId(p.line),
                                   SkuName(order.lines[p.line].sku), p.units});
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
