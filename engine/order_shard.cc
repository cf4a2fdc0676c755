// The order shard's shared steps: what it emits for a status change, a
// delivery task and a stock request, and what it answers about its orders.
#include "engine/order_shard.h"

#include "engine/fingerprint.h"
#include "engine/order_status.h"

namespace orderflow {

OrderShard::OrderShard(const EngineConfig& config) : config_(config) {}

bool OrderShard::SameContent(const Order& order, uint64_t hash,
                             std::string_view encoding) {
  // An order restored from a state saved before ContentFingerprint holds
  // the FNV-1a fingerprint of the same encoding (OrderState.content_hash).
  return order.content_hash == hash ||
         order.content_hash == Fingerprint(encoding);
}

std::optional<v1::OrderStatus> OrderShard::StatusOf(std::string_view id) const {
  const Order* order = Find(id);
  if (order == nullptr) return std::nullopt;
  return order->status;
}

size_t OrderShard::open_orders() const {
  size_t n = 0;
  store_.ForEach([&](const Order& order) { n += IsOpen(order.status); });
  return n;
}

void OrderShard::CountBacklog(EpochMillis now, Backlog& backlog) const {
  store_.CountBacklog(now, backlog);
}

size_t OrderShard::early_records() const {
  size_t n = 0;
  for (const auto& [id, records] : early_) n += records.size();
  return n;
}

void OrderShard::SetStatus(Order& order, v1::OrderStatus status,
                           std::vector<std::string> reasons, Emitter& out) {
  const StatusOutput change{order.id,
                            status,
                            order.status,
                            reasons,
                            clock_,
                            order.placed_at,
                            order.promise.deliver_by};
  metrics_.OnStatusChanged({order.status, status, clock_, order.placed_at,
                            order.promise.deliver_by});
  order.status = status;
  store_.NoteBacklogEntry(order);
  if (IsClosed(status) || status == v1::ORDER_STATUS_BACKORDERED) {
    order.since = clock_;
  }
  if (IsClosed(status) || status == v1::ORDER_STATUS_SHIPPED) {
    ship_to().Drop(order);  // no task will need it any more
  }
  out.SendStatus(change);
}

uint16_t OrderShard::AskInventory(const Order& order, StockRequest::Action action,
                                  Emitter& out) {
  if (IsSourced(order)) {  // rule 9: per line, at its warehouse
    for (uint32_t i = 0; i < order.lines.size(); ++i) {
      AskLine(order, i, action, {}, out);
    }
    return static_cast<uint16_t>(order.lines.size());
  }
  // One request per distinct SKU, for all of the order's units of it, in
  // the order the SKUs first appear in the order.
  StockRequest& request = RequestFor(order, action);
  uint16_t sent = 0;
  ForEachSkuDemand(order, &demand_, [&](const SkuDemand& d) {
    request.sku = SkuName(d.sku);
    request.quantity = d.quantity;
    out.SendToInventory(request);
    ++sent;
  });
  return sent;
}

StockRequest& OrderShard::RequestFor(const Order& order,
                                     StockRequest::Action action) {
  StockRequest& request = request_;
  request.action = action;
  request.order_id = order.id;
  request.service_level = order.level;
  request.ship_by = order.promise.ship_by;
  request.placed_at = order.placed_at;
  request.asked_at = clock_;  // what it causes is decided at this time
  return request;
}

void OrderShard::EmitTask(const Order& order, v1::TaskAction action,
                          Emitter& out) {
  std::vector<TaskOutputLine>& lines = task_lines_;
  lines.clear();
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (order.lines[i].quantity == 0) continue;  // removed (rule 11)
    lines.push_back(TaskOutputLine{order.LineId(i), SkuName(order.lines[i].sku),
                                   order.lines[i].quantity});
  }
  TaskOutput task{order.id, action, lines, order.level, std::nullopt,
                  order.promise.ship_by, order.promise.deliver_by, clock_,
                  {}, 1};
  if (action == v1::TASK_ACTION_CREATE || action == v1::TASK_ACTION_UPDATE) {
    task.ship_to = TaskShipTo(order);
  }
  out.SendTask(task);
}

}  // namespace orderflow
