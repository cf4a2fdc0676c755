// Rule 9's preemption, the inventory stage's side (sourcing.preempt, with
// warehouses configured): an OVERNIGHT or EXPRESS line that would wait
// takes the whole reservation of a STANDARD line instead.
//
// The stage learns what it needs with the requests: a STANDARD line's
// rank (ship_by) comes with its RESERVE, and the order stage says when
// the warehouse has started on the order (ACTION_PICKED), after which
// the line is no longer preemptible. A line may be preempted while it
// is reserved whole at one warehouse, not picked, and its ship_by is at
// least preempt_min_slack after the urgent request's decision time.
//
// Of those whose units, with what is available at their warehouse, fill
// the urgent line whole, the one that ships latest is taken (then order
// id, then line): the same choice whatever the shard layout, since it
// reads only this SKU's state. The urgent line is reserved there; the
// STANDARD line is told (AllocationResult.preempted_by, and which urgent
// line took it) and waits with nothing held, first in line at that
// warehouse (Backorder::preempted), and what the urgent line left over
// serves it at once.
//
// ACTION_PICKED may come after that: the order stage sends it when the
// warehouse reports work, and on another process the answer may reach
// the order after the work did. Such an order refuses the preemption
// (ACTION_REFUSE_PREEMPTION, order_preemption.cc): its line holds its
// units at its warehouse again, whatever it was given meanwhile (which
// serves the queues), and the urgent line gives back all it holds; its
// order is told (AllocationResult.taken_back_by) and asks again. A line
// whose order was picked while it waited (Backorder::picked) is not
// preemptible once served.
#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/inventory_shard.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void InventoryShard::NotePreemptible(Sku& stock, const Backorder& line) {
  if (!config_.sourcing.preempt || line.line == kWholeSku || line.picked ||
      line.service_level != v1::SERVICE_LEVEL_STANDARD ||
      stock.sourced == nullptr) {
    return;
  }
  const PlacedLines::Parts* parts =
      stock.sourced->placed.Find(line.order_id, line.line);
  if (parts == nullptr || parts->size() != 1) return;  // split: kept
  stock.sourced->preemptible[{line.order_id, line.line}] =
      Sourced::Rank{line.ship_by, line.placed_at};
}

void InventoryShard::ForgetPreemptible(Sku& stock, const std::string& order_id,
                                       uint32_t line) {
  if (stock.sourced == nullptr || stock.sourced->preemptible.empty()) return;
  stock.sourced->preemptible.erase({order_id, line});
}

void InventoryShard::NotePicked(const StockRequest& request, Sku& stock) {
  ForgetPreemptible(stock, request.order_id, *request.line);
  // (A line that waits is kept unpreemptible when it is served.)
  if (auto it = FindWaiting(request, stock); it != stock.queue.end()) {
    it->picked = true;
  }
}

absl::btree_set<InventoryShard::Backorder, InventoryShard::ServeFirst>::iterator
InventoryShard::FindWaiting(const StockRequest& request, Sku& stock) const {
  // Most SKUs have no line waiting: no key (a copy of the order id) made.
  if (stock.queue.empty()) return stock.queue.end();
  Backorder key = KeyOf(request);
  auto it = stock.queue.find(key);
  if (it == stock.queue.end() && config_.sourcing.preempt) {
    key.preempted = true;
    it = stock.queue.find(key);
  }
  return it;
}

bool InventoryShard::Preempt(const StockRequest& request, Sku& stock,
                             EpochMillis now, Emitter& out) {
  if (!config_.sourcing.preempt || stock.sourced == nullptr ||
      (request.service_level != v1::SERVICE_LEVEL_OVERNIGHT &&
       request.service_level != v1::SERVICE_LEVEL_EXPRESS)) {
    return false;
  }
  Sourced& sourced = *stock.sourced;
  const std::pair<std::string, uint32_t>* victim = nullptr;
  Sourced::Rank rank{};
  WarehouseIndex at = 0;
  int64_t units = 0;
  for (const auto& [key, r] : sourced.preemptible) {
    if (r.ship_by - now < config_.sourcing.preempt_min_slack ||
        key.first == request.order_id) {
      continue;
    }
    // Latest ship_by first; the map's order (order id, line) breaks ties.
    if (victim != nullptr && r.ship_by <= rank.ship_by) continue;
    const PlacedLines::Parts* parts = sourced.placed.Find(key.first, key.second);
    if (parts == nullptr || parts->size() != 1) continue;
    const WarehouseIndex w = parts->front().warehouse;
    if (std::max<int64_t>(At(stock, w).available(), 0) + parts->front().units <
        request.quantity) {
      continue;
    }
    victim = &key;
    rank = r;
    at = w;
    units = parts->front().units;
  }
  if (victim == nullptr) return false;
  const std::string victim_order = victim->first;
  const uint32_t victim_line = victim->second;
  sourced.placed.Erase(victim_order, victim_line);
  sourced.preemptible.erase({victim_order, victim_line});
  AtWarehouse& here = At(stock, at);
  here.reserved += request.quantity - units;
  stock.reserved += request.quantity - units;
  sourced.placed.Units(request.order_id, *request.line, at) = request.quantity;
  AnswerLine(request.sku, KeyOf(request), at, request.quantity, true, now, out);

  Backorder waiting{victim_order,    v1::SERVICE_LEVEL_STANDARD,
                    victim_line,     at,
                    rank.ship_by,    rank.placed_at,
                    units,           0,
                    true};
  answer_.preempted_by = request.order_id;
  answer_.preempted_by_line = *request.line;
  AnswerLine(request.sku, waiting, at, 0, false, now, out);
  answer_.preempted_by.clear();
  answer_.preempted_by_line.reset();
  stock.queue.insert(std::move(waiting));
  // What the urgent line did not need goes to the preempted one first.
  ServeAt(request.sku, stock, at, now, out);
  return true;
}

void InventoryShard::RefusePreemption(const StockRequest& request, Sku& stock,
                                      Emitter& out) {
  const std::optional<WarehouseIndex> keep_at =
      config_.sourcing.Find(request.warehouse_id);
  if (!keep_at || request.quantity < 0) return;
  const EpochMillis now = DecidedAt(request);
  Sourced& sourced = SourcedOf(stock, config_.sourcing.warehouses.size());
  const uint32_t line = *request.line;
  WarehouseList touched;
  // The line as it stands: waiting where the preemption left it (perhaps
  // partly served since), or served whole since, there or elsewhere.
  // Unless it holds its units where its order keeps them, it gives up
  // what it holds and holds them there again.
  const PlacedLines::Parts* parts = sourced.placed.Find(request.order_id, line);
  const bool kept = FindWaiting(request, stock) == stock.queue.end() &&
                    parts != nullptr && parts->size() == 1 &&
                    parts->front().warehouse == *keep_at &&
                    parts->front().units == request.quantity;
  if (!kept) {
    StockRequest release = request;
    release.action = AllocationRequest::ACTION_RELEASE;
    release.quantity = kMaxStockQuantity;  // all it holds
    TakeLine(release, stock, touched);
    if (request.quantity > 0) {  // 0: all of it shipped meanwhile
      AtWarehouse& here = At(stock, *keep_at);
      here.reserved += request.quantity;
      stock.reserved += request.quantity;
      sourced.placed.Units(request.order_id, line, *keep_at) = request.quantity;
    }
  }
  ForgetPreemptible(stock, request.order_id, line);
  TakeBack(request, stock, now, touched, out);
  // What was given up serves the queues (rule 3).
  ServeTouched(request.sku, stock, touched, now, out);
}

void InventoryShard::TakeBack(const StockRequest& refusal, Sku& stock,
                              EpochMillis now,
                              WarehouseList& touched,
                              Emitter& out) {
  const std::string& urgent = refusal.preempted_by;
  if (urgent.empty() || stock.sourced == nullptr) return;
  PlacedLines& placed = stock.sourced->placed;
  std::optional<uint32_t> line = refusal.preempted_by_line;
  if (!line) {
    placed.ForEachInOrder([&](std::string_view order_id, uint32_t l,
                              WarehouseIndex, int64_t units) {
      if (!line && units > 0 && order_id == urgent) line = l;
    });
    if (!line) return;
  }
  for (const Backorder& b : stock.queue) {
    if (b.line == *line && b.order_id == urgent) return;  // it waits
  }
  const PlacedLines::Parts* parts = placed.Find(urgent, *line);
  if (parts == nullptr) return;
  const WarehouseIndex at = parts->front().warehouse;
  StockRequest give = refusal;
  give.action = AllocationRequest::ACTION_RELEASE;
  give.order_id = urgent;
  give.line = *line;
  const int64_t units =
      TakePlaced(give, stock, kMaxStockQuantity, std::nullopt, touched);
  if (units <= 0) return;
  const Backorder given{urgent, 0, *line, at, 0, 0, units, 0};
  answer_.taken_back_by = refusal.order_id;
  AnswerLine(refusal.sku, given, at, 0, false, now, out);
  answer_.taken_back_by.clear();
}

void InventoryShard::FillPreemptible(const Sku& stock,
                                     internal::v1::StockState* s) const {
  if (stock.sourced == nullptr) return;
  for (const auto& [key, rank] : stock.sourced->preemptible) {
    internal::v1::PreemptibleLine* p = s->add_preemptible();
    p->set_order_id(key.first);
    p->set_line(key.second);
    p->set_ship_by_ms(rank.ship_by);
    p->set_placed_at_ms(rank.placed_at);
  }
}

absl::Status InventoryShard::LoadPreemptible(const internal::v1::StockState& s,
                                             Sku& stock) const {
  for (const internal::v1::PreemptibleLine& p : s.preemptible()) {
    if (stock.sourced == nullptr ||
        stock.sourced->placed.Find(p.order_id(), p.line()) == nullptr) {
      return absl::DataLossError(Cat("SKU ", s.sku(), ": preemptible line ",
                                     p.line(), " of ", p.order_id(),
                                     " is not reserved"));
    }
    stock.sourced->preemptible[{p.order_id(), p.line()}] =
        Sourced::Rank{p.ship_by_ms(), p.placed_at_ms()};
  }
  return absl::OkStatus();
}

}  // namespace orderflow
