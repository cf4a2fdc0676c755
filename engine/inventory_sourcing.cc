// Rule 9, the inventory stage's side: stock per (SKU, warehouse), lines
// reserved whole at the first warehouse of their preference order that
// can fill them, and backordered lines served (or moved) as stock arrives
// at a warehouse; with split_lines, lines taken in parts from several
// warehouses. Runs only with warehouses configured (see
// inventory_shard.h); a SKU's on_hand and reserved are then the sums over
// its warehouses.
#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/dead_letter.h"
#include "engine/inventory_shard.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;

InventoryShard::Sourced& InventoryShard::StartSourced(Sku& stock,
                                                      size_t warehouses) {
  stock.sourced = std::make_unique<Sourced>();
  stock.sourced->at.resize(warehouses);
  return *stock.sourced;
}

const std::vector<WarehouseIndex>& InventoryShard::PreferenceFor(
    std::string_view country) {
  if (last_preference_ != nullptr && SameText(country, last_country_)) {
    return *last_preference_;
  }
  auto it = preference_.find(country);
  if (it == preference_.end()) {
    it = preference_.emplace(std::string(country),
                             config_.sourcing.Preference(country)).first;
  }
  last_country_.assign(country.data(), country.size());
  last_preference_ = &it->second;
  return it->second;
}

bool InventoryShard::OnSourcedEvent(const v1::InventoryEvent& event,
                                    const RecordSource& source, Emitter& out) {
  const std::optional<WarehouseIndex> w =
      config_.sourcing.Find(event.warehouse_id());
  if (!w) {
    DeadLetter(source, "UNKNOWN_WAREHOUSE",
               Cat("warehouseId '", event.warehouse_id(),
                   "' is not a configured warehouse"),
               clock_, out);
    return false;
  }
  const int64_t q = event.quantity();
  Sku* const known = skus_.Find(event.sku());
  int64_t before = 0;
  if (known != nullptr && known->sourced != nullptr) {
    before = known->sourced->at[*w].on_hand;
  }
  const int64_t after = event.kind() == v1::INVENTORY_KIND_SNAPSHOT ? q : before + q;
  if (after > kMaxStockQuantity || after < -kMaxStockQuantity) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("quantity ", q, " would take on-hand of ", event.sku(),
                   " at ", event.warehouse_id(), " from ", before,
                   " past the limit of ", kMaxStockQuantity, " units"),
               clock_, out);
    return false;
  }
  Changed(event.sku());
  Sku& stock = known == nullptr ? skus_[event.sku()] : *known;
  At(stock, *w).on_hand = after;
  stock.on_hand += after - before;
  if (after > before) ServeAt(event.sku(), stock, *w, clock_, out);
  return true;
}

void InventoryShard::OnLineRequest(const StockRequest& request, Sku& stock,
                                   Emitter& out) {
  const EpochMillis now = DecidedAt(request);
  switch (request.action) {
    case AllocationRequest::ACTION_RESERVE: {
      const std::vector<WarehouseIndex>& preference =
          PreferenceFor(request.country);
      const uint32_t index = request.line.value_or(kWholeSku);
      // The first warehouse that can fill the line whole; else the one
      // with the most available (ties: the earlier in preference), which
      // holds what it has while the line waits. (A line reserved whole
      // needs no Backorder, unless it may be preempted.)
      WarehouseIndex most = preference.front();
      for (WarehouseIndex w : preference) {
        const int64_t available = At(stock, w).available();
        if (available >= request.quantity) {
          At(stock, w).reserved += request.quantity;
          stock.reserved += request.quantity;
          stock.sourced->placed.Units(request.order_id, index, w) = request.quantity;
          AnswerLine(request.sku, request.order_id, index, request.quantity, w,
                     request.quantity, true, now, out);
          if (config_.sourcing.preempt) NotePreemptible(stock, KeyOf(request));
          return;
        }
        if (available > At(stock, most).available()) most = w;
      }
      Backorder line = KeyOf(request);
      // Short everywhere (with split_lines, even taken from all): an
      // urgent line may take a STANDARD one's reservation instead.
      if (config_.sourcing.preempt) {
        int64_t anywhere = 0;
        for (WarehouseIndex w : preference) {
          anywhere += std::max<int64_t>(At(stock, w).available(), 0);
        }
        if ((!config_.sourcing.split_lines || anywhere < request.quantity) &&
            Preempt(request, stock, now, out)) {
          return;
        }
      }
      if (config_.sourcing.split_lines) {
        ReserveSplit(request, stock, preference, now, out);
        return;
      }
      const int64_t give =
          std::clamp<int64_t>(At(stock, most).available(), 0, request.quantity);
      At(stock, most).reserved += give;
      stock.reserved += give;
      line.held_at = most;
      line.reserved = give;
      AnswerLine(request.sku, line, most, give, true, now, out);
      stock.queue.insert(std::move(line));
      return;
    }
    case AllocationRequest::ACTION_RELEASE:
    case AllocationRequest::ACTION_CONSUME: {
      WarehouseList touched;
      const bool released = TakeLine(request, stock, touched);
      if (released) ServeTouched(request.sku, stock, touched, now, out);
      return;
    }
    case AllocationRequest::ACTION_PICKED:
      NotePicked(request, stock);
      return;
    case AllocationRequest::ACTION_REFUSE_PREEMPTION:  // inventory_preemption.cc
      RefusePreemption(request, stock, out);
      return;
    case AllocationRequest::ACTION_RESIZE:  // rule 11 (inventory_resize.cc)
      // A resized line is no longer offered to preemption (rule 9): it
      // may be short, split or moved now; not preempting is always safe.
      ForgetPreemptible(stock, request.order_id, *request.line);
      ResizeLine(request, stock, out);
      return;
    case AllocationRequest::ACTION_UNSPECIFIED:
    case internal::v1::AllocationRequest_Action_AllocationRequest_Action_INT_MIN_SENTINEL_DO_NOT_USE_:
    case internal::v1::AllocationRequest_Action_AllocationRequest_Action_INT_MAX_SENTINEL_DO_NOT_USE_:
      return;
  }
}

bool InventoryShard::TakeLine(const StockRequest& request, Sku& stock,
                              WarehouseList& touched) {
  // Held where the queue says, for a line still waiting (with
  // split_lines, its parts are among the placed units); else where it
  // was reserved. (The order stage's warehouse_id may be behind: a move
  // may still be on its way to it.)
  ForgetPreemptible(stock, request.order_id, *request.line);
  auto it = FindWaiting(request, stock);
  if (it != stock.queue.end()) {
    const WarehouseIndex held_at = it->held_at;
    int64_t held = it->reserved;
    // Rule 9: a preempted line's units went to an urgent line, so a
    // CONSUME for it is a shipment its order made before the preemption
    // reached it (the stages run apart): the units left the warehouse the
    // order stage names, out of what the urgent line holds, which the
    // order's refusal takes back (RefusePreemption). What the line came
    // to hold since is released, not consumed.
    const bool shipped_taken_units =
        it->preempted && request.action == AllocationRequest::ACTION_CONSUME;
    StockRequest take = request;
    if (shipped_taken_units) take.action = AllocationRequest::ACTION_RELEASE;
    stock.queue.erase(it);
    held -= TakePlaced(take, stock, held, std::nullopt, touched);
    AtWarehouse& here = At(stock, held_at);
    held = std::clamp<int64_t>(held, 0, here.reserved);
    here.reserved -= held;
    stock.reserved -= held;
    if (take.action == AllocationRequest::ACTION_CONSUME) {
      here.on_hand -= held;
      stock.on_hand -= held;
    }
    if (std::find(touched.begin(), touched.end(), held_at) == touched.end()) {
      touched.insert(touched.begin(), held_at);
    }
    if (shipped_taken_units) {
      AtWarehouse& from =
          At(stock, config_.sourcing.Find(request.warehouse_id).value_or(held_at));
      from.on_hand -= request.quantity;
      stock.on_hand -= request.quantity;
    }
    return take.action == AllocationRequest::ACTION_RELEASE;
  }
  if (stock.sourced != nullptr) {
    // A parcel consumes (and a cancellation after it releases) only what
    // it names, first at the warehouse the order stage names; the rest
    // stays reserved for the line.
    TakePlaced(request, stock, request.quantity,
               config_.sourcing.Find(request.warehouse_id), touched);
  }
  return request.action == AllocationRequest::ACTION_RELEASE;
}

int64_t InventoryShard::TakePlaced(const StockRequest& request, Sku& stock,
                                   int64_t quantity,
                                   std::optional<WarehouseIndex> first,
                                   WarehouseList& touched) {
  if (stock.sourced == nullptr || !request.line) return 0;
  PlacedLines& placed = stock.sourced->placed;
  size_t place = 0;
  PlacedLines::Parts* parts = placed.Find(request.order_id, *request.line, place);
  if (parts == nullptr) return 0;
  int64_t taken = 0;
  const auto take_from = [&](PlacedLines::Part& part) {
    if (taken >= quantity) return;
    const WarehouseIndex w = part.warehouse;
    const int64_t take = std::min(quantity - taken, part.units);
    part.units -= take;
    taken += take;
    AtWarehouse& here = At(stock, w);
    const int64_t held = std::min(take, here.reserved);
    here.reserved -= held;
    stock.reserved -= held;
    if (request.action == AllocationRequest::ACTION_CONSUME) {
      here.on_hand -= held;
      stock.on_hand -= held;
    }
    touched.push_back(w);
  };
  // The part at `first` before the others.
  for (PlacedLines::Part& part : *parts) {
    if (first && part.warehouse == *first) take_from(part);
  }
  for (PlacedLines::Part& part : *parts) {
    if (!first || part.warehouse != *first) take_from(part);
  }
  placed.DropEmptyAt(place);
  return taken;
}

void InventoryShard::ReserveSplit(const StockRequest& request, Sku& stock,
                                  const std::vector<WarehouseIndex>& preference,
                                  EpochMillis now, Emitter& out) {
  Backorder line = KeyOf(request);
  line.held_at = preference.front();
  bool holds = false;
  for (WarehouseIndex w : preference) {
    AtWarehouse& here = At(stock, w);
    const int64_t give = std::clamp<int64_t>(here.available(), 0,
                                             request.quantity - line.reserved);
    if (give == 0) continue;
    here.reserved += give;
    stock.reserved += give;
    line.reserved += give;
    stock.sourced->placed.Units(request.order_id, line.line, w) += give;
    if (!holds) line.held_at = w;
    holds = true;
    if (line.reserved == request.quantity) break;
  }
  AnswerParts(request.sku, stock, line, true, now, out);
  if (line.reserved < request.quantity) stock.queue.insert(std::move(line));
}

void InventoryShard::AnswerParts(std::string_view sku, Sku& stock,
                                 const Backorder& line, bool first, EpochMillis now, Emitter& out) {
  absl::InlinedVector<std::pair<WarehouseIndex, int64_t>, 4> parts;
  const PlacedLines::Parts* held =
      SourcedOf(stock, config_.sourcing.warehouses.size())
          .placed.Find(line.order_id, line.line);
  if (held != nullptr) {
    for (const PlacedLines::Part& p : *held) parts.emplace_back(p.warehouse, p.units);
  }
  // In the warehouses' rank order, then id: the same whatever the order
  // the parts were taken in.
  const std::vector<Warehouse>& warehouses = config_.sourcing.warehouses;
  std::sort(parts.begin(), parts.end(), [&](const auto& a, const auto& b) {
    return std::tie(warehouses[a.first].rank, warehouses[a.first].id) <
           std::tie(warehouses[b.first].rank, warehouses[b.first].id);
  });
  if (parts.empty()) parts.emplace_back(line.held_at, 0);
  int64_t lacking = line.requested;
  for (size_t k = 0; k < parts.size(); ++k) {
    Backorder rest = line;
    rest.requested = lacking;
    AnswerLine(sku, rest, parts[k].first, parts[k].second,
               first && k + 1 == parts.size(), now, out);
    lacking -= parts[k].second;
  }
}

void InventoryShard::ServeAt(std::string_view sku, Sku& stock,
                             WarehouseIndex first, EpochMillis now,
                             Emitter& out) {
  // Warehouses with stock to hand out; a line moving away adds the one it
  // leaves. Each move completes a line, so this ends.
  WarehouseList pending{first};
  while (!pending.empty()) {
    const WarehouseIndex w = pending.back();
    pending.pop_back();
    AtWarehouse& here = At(stock, w);
    for (auto it = stock.queue.begin();
         it != stock.queue.end() && here.available() > 0;) {
      if (it->line == kWholeSku) {
        ++it;  // not a line request (none with warehouses configured)
        continue;
      }
      if (config_.sourcing.split_lines) {
        // A line may take its units from any warehouse: it gets what it
        // lacks, or all there is here.
        const int64_t give = std::min(here.available(), it->requested - it->reserved);
        it->reserved += give;
        here.reserved += give;
        stock.reserved += give;
        stock.sourced->placed.Units(it->order_id, it->line, w) += give;
        if (it->reserved < it->requested) break;
        AnswerParts(sku, stock, *it, false, now, out);
        NotePreemptible(stock, *it);
        it = stock.queue.erase(it);
        continue;
      }
      if (it->held_at == w) {
        // The rest of a line held here: it gets what there is, and while
        // still short it keeps this warehouse's stock coming to it.
        const int64_t give = std::min(here.available(), it->requested - it->reserved);
        it->reserved += give;
        here.reserved += give;
        stock.reserved += give;
        if (it->reserved < it->requested) break;
        stock.sourced->placed.Units(it->order_id, it->line, w) = it->requested;
        AnswerLine(sku, *it, w, it->reserved, false, now, out);
        NotePreemptible(stock, *it);
        it = stock.queue.erase(it);
        continue;
      }
      if (here.available() < it->requested) {
        ++it;  // held elsewhere and more than this warehouse has
        continue;
      }
      // A whole line held elsewhere: it moves here, and what it held there
      // serves that warehouse's queue.
      AtWarehouse& there = At(stock, it->held_at);
      const int64_t left = std::min(it->reserved, there.reserved);
      there.reserved -= left;
      here.reserved += it->requested;
      stock.reserved += it->requested - left;
      if (left > 0 &&
          std::find(pending.begin(), pending.end(), it->held_at) == pending.end()) {
        pending.push_back(it->held_at);
      }
      stock.sourced->placed.Units(it->order_id, it->line, w) = it->requested;
      AnswerLine(sku, *it, w, it->requested, false, now, out);
      NotePreemptible(stock, *it);
      it = stock.queue.erase(it);
    }
  }
}

void InventoryShard::AnswerLine(std::string_view sku, std::string_view order_id,
                                uint32_t line, int64_t requested,
                                WarehouseIndex at, int64_t reserved,
                                bool first, EpochMillis now, Emitter& out) {
  SendAnswer(order_id, sku, requested, reserved, first, now, line,
             config_.sourcing.warehouses[at].id, out);
}

}  // namespace orderflow
