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
#include <charconv>
#include <utility>
#include <vector>

#include "engine/order_shard.h"
#include "engine/string_map.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void OrderShard::StartSourcing(Order& order) {
  order.sourced = true;  // its lines start nowhere, in no task (AddLine)
}

void OrderShard::DropMoreParts(Order& order, uint32_t i) {
  if (order.extras == nullptr) return;
  std::vector<std::vector<LineSourcing::Part>>& more = order.extras->sourcing.more;
  if (i < more.size()) more[i].clear();
}

void OrderShard::AddMorePart(Order& order, uint32_t i, LineSourcing::Part part) {
  std::vector<std::vector<LineSourcing::Part>>& more = order.Extras().sourcing.more;
  if (more.size() <= i) more.resize(i + 1);
  more[i].push_back(part);
}

uint16_t& OrderShard::TaskOfPart(Order& order, const LinePart& part) {
  return part.part == 0
             ? order.lines[part.line].task
             : order.extras->sourcing.more[part.line][part.part - 1].task;
}

std::vector<OrderShard::LinePart> OrderShard::LineParts(const Order& order) const {
  std::vector<LinePart> parts;
  parts.reserve(order.lines.size());
  ForEachLinePart(order, [&](const LinePart& p) { parts.push_back(p); });
  return parts;
}

OrderShard::Tasks OrderShard::CreatedTasks(const Order& order) const {
  Tasks done;
  ForEachLinePart(order, [&](const LinePart& p) {
    if (p.task == 0) return;
    const std::pair<uint16_t, uint16_t> task{p.warehouse, p.task};
    if (std::find(done.begin(), done.end(), task) == done.end()) done.push_back(task);
  });
  return done;
}

void OrderShard::AskLine(const Order& order, uint32_t i,
                         StockRequest::Action action, std::string_view country,
                         Emitter& out, int64_t units, uint16_t at,
                         std::string_view sku) {
  StockRequest& r = RequestFor(order, action);
  if (sku.empty()) sku = SkuName(order.lines[i].sku);
  r.sku.assign(sku.data(), sku.size());
  r.quantity = units > 0 ? units : order.lines[i].quantity;
  r.line = i;
  const uint16_t w =
      at != LineSourcing::kNowhere ? at : order.lines[i].warehouse;
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

// The id AppendTaskId (engine/outputs.cc) gives a part's task is
// "<orderId>/delivery/<warehouseId>", then "/<n>" when n > 1: the order's
// part of it is compared once (TaskIdRest), each part's against the rest.

std::optional<std::string_view> OrderShard::TaskIdRest(const Order& order,
                                                       std::string_view task_id) {
  // (Compared with SameText, as every shipment event of a sourced order
  // asks this two or three times: no library call for short text.)
  constexpr std::string_view kDelivery = "/delivery";
  const std::string_view id = order.id;
  if (task_id.size() < id.size() + kDelivery.size() ||
      !SameText(task_id.substr(0, id.size()), id) ||
      !SameText(task_id.substr(id.size(), kDelivery.size()), kDelivery)) {
    return std::nullopt;
  }
  return task_id.substr(id.size() + kDelivery.size());
}

bool OrderShard::PartIsInTaskRest(const LinePart& part,
                                  std::string_view rest) const {
  if (part.task == 0 || part.warehouse == LineSourcing::kNowhere) return false;
  const std::string_view warehouse = config_.sourcing.warehouses[part.warehouse].id;
  const auto take_slash = [&rest] {
    if (rest.empty() || rest.front() != '/') return false;
    rest.remove_prefix(1);
    return true;
  };
  if (warehouse.empty()) return rest.empty();
  if (!take_slash() || rest.size() < warehouse.size() ||
      !SameText(rest.substr(0, warehouse.size()), warehouse)) {
    return false;
  }
  rest.remove_prefix(warehouse.size());
  if (part.task <= 1) return rest.empty();
  char digits[8];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, part.task);
  return take_slash() && SameText(rest, std::string_view(digits, end - digits));
}

std::vector<std::pair<uint32_t, int32_t>> OrderShard::SourcedTaskLines(
    const Order& order, std::string_view task_id) const {
  std::vector<std::pair<uint32_t, int32_t>> found;
  const std::optional<std::string_view> rest = TaskIdRest(order, task_id);
  if (!rest) return found;
  ForEachLinePart(order, [&](const LinePart& p) {
    if (PartIsInTaskRest(p, *rest)) found.emplace_back(p.line, p.units);
  });
  return found;
}

std::optional<OrderShard::LinePart> OrderShard::FirstPartInTask(
    const Order& order, std::string_view task_id) const {
  if (task_id.empty() || !IsSourced(order)) return std::nullopt;
  const std::optional<std::string_view> rest = TaskIdRest(order, task_id);
  if (!rest) return std::nullopt;
  std::optional<LinePart> found;
  ForEachLinePart(order, [&](const LinePart& p) {
    if (!found && PartIsInTaskRest(p, *rest)) found = p;
  });
  return found;
}

void OrderShard::NoteLineAnswer(Order& order, const StockAnswer& result) {
  const uint32_t i = *result.line;
  if (i >= order.lines.size()) return;
  Order::Line& line = order.lines[i];
  line.reserved = result.reserved >= result.requested;
  const uint16_t w =
      config_.sourcing.Find(result.warehouse_id).value_or(LineSourcing::kNowhere);
  // A line's answers restate all its parts: the first asks for the whole
  // line; each further part asks for what the line still lacked
  // (inventory_shard.h AnswerParts).
  if (result.requested >= line.quantity || line.warehouse == LineSourcing::kNowhere) {
    line.warehouse = w;
    line.task = 0;  // (rule 11: a resized line's task is settled after)
    DropMoreParts(order, i);
  } else {
    AddMorePart(order, i,
                LineSourcing::Part{w, 0, static_cast<int32_t>(result.reserved)});
  }
}

bool OrderShard::AwaitsTask(const Order& order, const LinePart& p) const {
  return order.lines[p.line].reserved && p.task == 0 &&
         p.warehouse != LineSourcing::kNowhere && p.units > 0;
}

uint16_t OrderShard::NextTaskNumber(const Order& order, uint16_t warehouse) const {
  uint16_t number = TasksCancelledUpTo(order) + 1;
  ForEachLinePart(order, [&](const LinePart& p) {
    if (p.warehouse == warehouse) number = std::max<uint16_t>(number, p.task + 1);
  });
  return number;
}

void OrderShard::NumberAwaitingParts(Order& order, uint16_t warehouse,
                                     uint16_t number) {
  ForEachLinePart(order, [&](const LinePart& p) {
    if (p.warehouse != warehouse || !AwaitsTask(order, p)) return;
    TaskOfPart(order, p) = number;
  });
}

void OrderShard::EmitSourcedTasks(Order& order, Emitter& out) {
  // Read and numbered in place, part by part (nothing copied or
  // allocated: asked for every answer that completes a sourced order).
  ForEachLinePart(order, [&](const LinePart& first) {
    if (!AwaitsTask(order, first)) return;
    // A new task of this warehouse takes every such part there. (The
    // parts before `first` at this warehouse are in a task already: the
    // earlier ones' tasks took them.)
    const uint16_t number = NextTaskNumber(order, first.warehouse);
    NumberAwaitingParts(order, first.warehouse, number);
    EmitWarehouseTask(order, first.warehouse, number, v1::TASK_ACTION_CREATE, out);
    order.task_created = true;
  });
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
  ForEachLinePart(order, [&](const LinePart& p) {
    if (p.warehouse != warehouse || p.task != number) return;
    lines.push_back(TaskOutputLine{order.LineId(p.line),
                                   SkuName(order.lines[p.line].sku), p.units});
  });
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
