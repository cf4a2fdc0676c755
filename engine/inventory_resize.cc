// Rule 11 with rule 9, the inventory stage's side: one line of an order
// sourced per warehouse changes its quantity (or its rank while it waits)
// in one step, answered at once like a RESERVE.
//
// The line keeps what it holds up to its new quantity. Fewer units: the
// parts last in the line's preference order give theirs back first (a
// split line shrinks from its last warehouse), and what they give serves
// those warehouses' queues (rule 3) after the line's own answer. More
// units: taken where the line is when that warehouse has them all; else,
// without split_lines, the whole line moves to the first warehouse in its
// preference order that can fill it, or keeps what it holds and waits
// where it is (taking what is there); with split_lines the rest is taken
// from each warehouse in preference order and what is still lacking
// waits. A line holding nothing is reserved as a RESERVE would.
#include <algorithm>
#include <utility>
#include <vector>

#include "engine/inventory_shard.h"

namespace orderflow {

using internal::v1::AllocationRequest;

void InventoryShard::ResizeLine(const StockRequest& request, Sku& stock,
                                Emitter& out) {
  const EpochMillis now = DecidedAt(request);
  Sourced& sourced = SourcedOf(stock, config_.sourcing.warehouses.size());
  const std::vector<WarehouseIndex>& preference = PreferenceFor(request.country);
  const auto rank = [&](WarehouseIndex w) {
    return std::find(preference.begin(), preference.end(), w) - preference.begin();
  };
  const bool split = config_.sourcing.split_lines;
  // What the line holds, per warehouse: its placed units, and what a
  // waiting line holds beside them where it is held.
  std::vector<std::pair<WarehouseIndex, int64_t>> held;
  const auto hold = [&held](WarehouseIndex w, int64_t units) {
    for (auto& [at, n] : held) {
      if (at == w) {
        n += units;
        return;
      }
    }
    held.emplace_back(w, units);
  };
  StockRequest previous = request;
  previous.quantity = request.previous_quantity;
  previous.service_level = request.previous_service_level;
  previous.ship_by = request.previous_ship_by;
  std::optional<WarehouseIndex> waited_at;
  int64_t waiting_held = 0;
  if (auto it = stock.queue.find(KeyOf(previous)); it != stock.queue.end()) {
    waited_at = it->held_at;
    waiting_held = it->reserved;
    stock.queue.erase(it);
  }
  if (const PlacedLines::Parts* parts =
          sourced.placed.Find(request.order_id, *request.line)) {
    for (const PlacedLines::Part& part : *parts) {
      hold(part.warehouse, part.units);
      waiting_held -= part.units;
    }
    sourced.placed.Erase(request.order_id, *request.line);
  }
  if (waited_at && waiting_held > 0) hold(*waited_at, waiting_held);
  std::erase_if(held, [](const auto& h) { return h.second <= 0; });
  std::stable_sort(held.begin(), held.end(), [&](const auto& a, const auto& b) {
    return rank(a.first) < rank(b.first);
  });
  const int64_t quantity = std::max<int64_t>(request.quantity, 0);
  int64_t total = 0;
  for (const auto& h : held) total += h.second;
  WarehouseList touched;
  const auto take = [&](WarehouseIndex w, int64_t units) {  // units < 0: give back
    At(stock, w).reserved += units;
    stock.reserved += units;
    hold(w, units);
    total += units;
    if (units < 0) touched.push_back(w);
  };
  // Fewer: the last in preference order gives back first.
  for (size_t k = held.size(); k-- > 0 && total > quantity;) {
    take(held[k].first, -std::min(held[k].second, total - quantity));
  }
  WarehouseIndex held_at = waited_at.value_or(preference.front());
  if (!held.empty() && held.front().second > 0) held_at = held.front().first;
  if (total < quantity) {
    const bool one_place = held.size() == 1 || total == 0;
    if (total > 0 && one_place &&
        At(stock, held_at).available() >= quantity - total) {
      take(held_at, quantity - total);  // where it is
    } else if (split) {
      if (total == 0) {  // as a RESERVE: the first that fills it whole
        for (WarehouseIndex w : preference) {
          if (At(stock, w).available() >= quantity) {
            take(w, quantity);
            break;
          }
        }
      }
      for (WarehouseIndex w : preference) {
        if (total >= quantity) break;
        const int64_t give =
            std::clamp<int64_t>(At(stock, w).available(), 0, quantity - total);
        if (give > 0) take(w, give);
      }
    } else {
      std::optional<WarehouseIndex> whole;
      WarehouseIndex most = preference.front();
      for (WarehouseIndex w : preference) {
        if (At(stock, w).available() >= quantity) {
          whole = w;
          break;
        }
        if (At(stock, w).available() > At(stock, most).available()) most = w;
      }
      if (whole) {  // the whole line moves there
        for (const auto& [w, units] : std::vector(held)) {
          if (units > 0) take(w, -units);
        }
        take(*whole, quantity);
      } else {
        const WarehouseIndex at = total > 0 ? held_at : most;
        const int64_t give =
            std::clamp<int64_t>(At(stock, at).available(), 0, quantity - total);
        if (give > 0) take(at, give);
      }
    }
  }
  std::erase_if(held, [](const auto& h) { return h.second <= 0; });
  std::stable_sort(held.begin(), held.end(), [&](const auto& a, const auto& b) {
    return rank(a.first) < rank(b.first);
  });
  if (!held.empty()) held_at = held.front().first;
  Backorder line = KeyOf(request);
  line.requested = quantity;
  line.held_at = held_at;
  line.reserved = total;
  const bool complete = total >= quantity;
  if (split || complete) {
    for (const auto& [w, units] : held) {
      sourced.placed.Units(request.order_id, line.line, w) = units;
    }
  }
  if (split) {
    AnswerParts(request.sku, stock, line, true, now, out);
  } else {
    AnswerLine(request.sku, line, held_at, total, true, now, out);
  }
  if (!complete) stock.queue.insert(std::move(line));
  // What the line gave back serves the queue there (rule 3).
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (WarehouseIndex w : touched) ServeAt(request.sku, stock, w, now, out);
}

}  // namespace orderflow
