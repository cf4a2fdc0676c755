#include "engine/inventory_shard.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "engine/text.h"
#include "engine/dead_letter.h"

namespace orderflow {

using internal::v1::AllocationRequest;

bool InventoryShard::ServeFirst::operator()(const Backorder& a,
                                            const Backorder& b) const {
  // Higher service level first (OVERNIGHT > EXPRESS > STANDARD).
  // Then an order's lines by index (rule 9; one entry per SKU in v1).
  // A line preempted (rule 9) before all of them.
  return std::tie(b.preempted, b.service_level, a.ship_by, a.placed_at,
                  a.order_id, a.line) <
         std::tie(a.preempted, a.service_level, b.ship_by, b.placed_at,
                  b.order_id, b.line);
}

InventoryShard::InventoryShard(const EngineConfig& config) : config_(config) {}

InventoryShard::Backorder InventoryShard::KeyOf(const StockRequest& r) {
  return Backorder{r.order_id, r.service_level, r.line.value_or(kWholeSku), 0,
                   r.ship_by, r.placed_at, r.quantity, 0};
}

void InventoryShard::OnInventoryEvent(const v1::InventoryEvent& event,
                                      const RecordSource& source,
                                      Emitter& out) {
  if (event.sku().empty()) {
    DeadLetter(source, "MISSING_FIELD", "sku missing", clock_, out);
    return;
  }
  if (!KeyMatches(source, event.sku(), "sku", clock_, out)) return;
  if (!event.has_occurred_at()) {
    DeadLetter(source, "MISSING_FIELD", "occurredAt missing", clock_, out);
    return;
  }
  const int64_t q = event.quantity();
  if (q > kMaxStockQuantity || q < -kMaxStockQuantity) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("quantity ", q, " is beyond the limit of ", kMaxStockQuantity,
                   " units"),
               clock_, out);
    return;
  }
  if (!v1::InventoryKind_IsValid(event.kind())) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("kind ", static_cast<int>(event.kind()),
                   " is not RECEIPT, ADJUSTMENT or SNAPSHOT"),
               clock_, out);
    return;
  }
  switch (event.kind()) {
    case v1::INVENTORY_KIND_RECEIPT:
      if (q <= 0) {
        DeadLetter(source, "INVALID_VALUE",
                   Cat("RECEIPT quantity ", q, " must be at least 1"), clock_, out);
        return;
      }
      break;
    case v1::INVENTORY_KIND_SNAPSHOT:
      if (q < 0) {
        DeadLetter(source, "INVALID_VALUE",
                   Cat("SNAPSHOT quantity ", q, " is negative"), clock_, out);
        return;
      }
      break;
    case v1::INVENTORY_KIND_ADJUSTMENT:
      break;
    case v1::INVENTORY_KIND_UNSPECIFIED:
    case v1::InventoryKind_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::InventoryKind_INT_MAX_SENTINEL_DO_NOT_USE_:
      DeadLetter(source, "MISSING_FIELD", "kind missing", clock_, out);
      return;
  }
  if (sourced()) {
    OnSourcedEvent(event, source, out);
    return;
  }
  // Both within the limit: the sum cannot wrap.
  Sku* const known = skus_.Find(event.sku());
  const int64_t before = known == nullptr ? 0 : known->on_hand;
  const int64_t after = event.kind() == v1::INVENTORY_KIND_SNAPSHOT ? q : before + q;
  if (after > kMaxStockQuantity || after < -kMaxStockQuantity) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("quantity ", q, " would take on-hand of ", event.sku(),
                   " from ", before, " past the limit of ", kMaxStockQuantity,
                   " units"),
               clock_, out);
    return;
  }
  Changed(event.sku());
  Sku& stock = known == nullptr ? skus_[event.sku()] : *known;
  stock.on_hand = after;
  if (stock.on_hand > before) Serve(event.sku(), stock, clock_, out);
}

void InventoryShard::OnAllocationRequest(const AllocationRequest& request,
                                         Emitter& out) {
  OnAllocationRequest(FromProto(request), out);
}

void InventoryShard::OnAllocationRequest(const StockRequest& request,
                                         Emitter& out) {
  Changed(request.sku);
  Sku& stock = skus_[request.sku];
  if (request.line && sourced()) {
    OnLineRequest(request, stock, out);
    return;
  }
  switch (request.action) {
    case AllocationRequest::ACTION_RESERVE: {
      const int64_t give =
          std::clamp<int64_t>(stock.available(), 0, request.quantity);
      stock.reserved += give;
      if (give < request.quantity) {
        Backorder waiting = KeyOf(request);
        waiting.reserved = give;
        stock.queue.insert(std::move(waiting));
      }
      SendAnswer(request.order_id, request.sku, request.quantity, give, true,
                 DecidedAt(request), std::nullopt, {}, out);
      return;
    }
    case AllocationRequest::ACTION_RELEASE:
      Withdraw(request, stock);
      Serve(request.sku, stock, DecidedAt(request), out);
      return;
    case AllocationRequest::ACTION_CONSUME: {
      stock.on_hand -= Withdraw(request, stock);
      return;
    }
    case AllocationRequest::ACTION_RESIZE:
      Resize(request, stock, out);
      return;
    case AllocationRequest::ACTION_PICKED:  // preemption is per line
    case AllocationRequest::ACTION_REFUSE_PREEMPTION:
    case AllocationRequest::ACTION_UNSPECIFIED:
    case internal::v1::AllocationRequest_Action_AllocationRequest_Action_INT_MIN_SENTINEL_DO_NOT_USE_:
    case internal::v1::AllocationRequest_Action_AllocationRequest_Action_INT_MAX_SENTINEL_DO_NOT_USE_:
      return;
  }
}

int64_t InventoryShard::Withdraw(const StockRequest& r, Sku& stock) {
  int64_t held = r.quantity;
  auto it = stock.queue.find(KeyOf(r));
  if (it != stock.queue.end()) {
    held = it->reserved;
    stock.queue.erase(it);
  }
  held = std::min(held, stock.reserved);
  stock.reserved -= held;
  return held;
}

void InventoryShard::Resize(const StockRequest& request, Sku& stock,
                            Emitter& out) {
  // What the order held under its previous demand and rank...
  StockRequest previous = request;
  previous.quantity = request.previous_quantity;
  previous.service_level = request.previous_service_level;
  previous.ship_by = request.previous_ship_by;
  const int64_t held = Withdraw(previous, stock);
  // ...is kept up to the new demand; more is taken only from what nobody
  // waits for (with a queue, nothing is available: no jumping it).
  const int64_t keep = std::min(held, std::max<int64_t>(request.quantity, 0));
  stock.reserved += keep;
  const int64_t give = std::clamp<int64_t>(stock.available(), 0,
                                           request.quantity - keep);
  stock.reserved += give;
  if (keep + give < request.quantity) {
    Backorder waiting = KeyOf(request);
    waiting.reserved = keep + give;
    stock.queue.insert(std::move(waiting));
  }
  SendAnswer(request.order_id, request.sku, request.quantity, keep + give,
             true, DecidedAt(request), std::nullopt, {}, out);
  // What it let go serves the queue (rule 3), after the order's own
  // answer.
  if (keep < held) Serve(request.sku, stock, DecidedAt(request), out);
}

void InventoryShard::SendAnswer(std::string_view order_id, std::string_view sku,
                                int64_t requested, int64_t reserved,
                                bool first, EpochMillis decided_at,
                                std::optional<uint32_t> line,
                                std::string_view warehouse_id, Emitter& out) {
  StockAnswer* const place = out.NextAnswerToOrders();
  StockAnswer& a = place != nullptr ? *place : answer_;
  a.order_id = order_id;
  a.sku = sku;
  a.requested = requested;
  a.reserved = reserved;
  a.first_answer = first;
  a.decided_at = decided_at;
  a.line = line;
  a.warehouse_id = warehouse_id;
  if (place == nullptr) {
    out.SendToOrders(answer_);
    return;
  }
  a.preempted_by = answer_.preempted_by;
  a.preempted_by_line = answer_.preempted_by_line;
  a.taken_back_by = answer_.taken_back_by;
}

void InventoryShard::Serve(std::string_view sku, Sku& stock, EpochMillis now,
                           Emitter& out) {
  while (!stock.queue.empty() && stock.available() > 0) {
    auto first = stock.queue.begin();
    const int64_t give =
        std::min(stock.available(), first->requested - first->reserved);
    first->reserved += give;
    stock.reserved += give;
    if (first->reserved < first->requested) return;  // held, still waiting
    SendAnswer(first->order_id, sku, first->requested, first->reserved, false,
               now, std::nullopt, {}, out);
    stock.queue.erase(first);
  }
}

void InventoryShard::ServeTouched(std::string_view sku, Sku& stock,
                                  const WarehouseList& touched,
                                  EpochMillis now, Emitter& out) {
  // ServeAt leaves each warehouse it served with nothing more to hand
  // out until units come back there, so a repeat would serve nothing.
  for (size_t i = 0; i < touched.size(); ++i) {
    const WarehouseIndex w = touched[i];
    if (std::find(touched.begin(), touched.begin() + i, w) !=
        touched.begin() + i) {
      continue;  // served already
    }
    ServeAt(sku, stock, w, now, out);
  }
}

std::optional<InventoryShard::StockView> InventoryShard::Stock(
    std::string_view sku) const {
  const Sku* stock = skus_.Find(sku);
  if (stock == nullptr) return std::nullopt;
  return StockView{stock->on_hand, stock->reserved, stock->queue.size()};
}

void InventoryShard::Fill(std::string_view sku, const Sku& stock,
                          internal::v1::StockState* s) const {
  s->set_sku(std::string(sku));
  s->set_on_hand(stock.on_hand);
  s->set_reserved(stock.reserved);
  for (const Backorder& b : stock.queue) {
    internal::v1::BackorderEntry* e = s->add_backorders();
    e->set_order_id(b.order_id);
    e->mutable_rank()->set_service_level(
        static_cast<v1::ServiceLevel>(b.service_level));
    e->mutable_rank()->set_ship_by_ms(b.ship_by);
    e->mutable_rank()->set_placed_at_ms(b.placed_at);
    e->set_requested(b.requested);
    e->set_reserved(b.reserved);
    e->set_preempted(b.preempted);
    e->set_picked(b.picked);
    if (b.line != kWholeSku) {
      e->set_line(b.line);
      e->set_warehouse_id(config_.sourcing.warehouses[b.held_at].id);
    }
  }
  if (stock.sourced == nullptr) return;
  const std::vector<Warehouse>& warehouses = config_.sourcing.warehouses;
  for (size_t w = 0; w < stock.sourced->at.size(); ++w) {
    internal::v1::WarehouseStock* at = s->add_warehouses();
    at->set_warehouse_id(warehouses[w].id);
    at->set_on_hand(stock.sourced->at[w].on_hand);
    at->set_reserved(stock.sourced->at[w].reserved);
  }
  stock.sourced->placed.ForEachInOrder([&](std::string_view order_id,
                                            uint32_t line, WarehouseIndex w,
                                            int64_t quantity) {
    internal::v1::ReservedLine* l = s->add_reserved_lines();
    l->set_order_id(std::string(order_id));
    l->set_line(line);
    l->set_warehouse_id(warehouses[w].id);
    l->set_quantity(quantity);
  });
  FillPreemptible(stock, s);
}

absl::Status InventoryShard::Load(const internal::v1::StockState& s,
                                  Sku& stock) const {
  stock = Sku{};
  stock.on_hand = s.on_hand();
  stock.reserved = s.reserved();
  if (stock.reserved < 0) {
    return absl::DataLossError(Cat("SKU ", s.sku(), ": negative reserved count"));
  }
  for (const internal::v1::BackorderEntry& e : s.backorders()) {
    if (e.reserved() >= e.requested()) {
      return absl::DataLossError(
          Cat("SKU ", s.sku(), ": backorder of ", e.order_id(), " is complete"));
    }
    Backorder b{e.order_id(), e.rank().service_level(), kWholeSku, 0,
                e.rank().ship_by_ms(), e.rank().placed_at_ms(), e.requested(),
                e.reserved(), e.preempted(), e.picked()};
    if (e.has_line()) {
      const std::optional<WarehouseIndex> w =
          config_.sourcing.Find(e.warehouse_id());
      if (!w) {
        return absl::DataLossError(Cat("SKU ", s.sku(), ": backorder of ",
                                       e.order_id(), " is held at warehouse '",
                                       e.warehouse_id(), "', not configured"));
      }
      b.line = e.line();
      b.held_at = *w;
    }
    stock.queue.insert(std::move(b));
  }
  for (const internal::v1::WarehouseStock& at : s.warehouses()) {
    const std::optional<WarehouseIndex> w = config_.sourcing.Find(at.warehouse_id());
    if (!w) {
      return absl::DataLossError(Cat("SKU ", s.sku(), ": stock at warehouse '",
                                     at.warehouse_id(), "', not configured"));
    }
    AtWarehouse& here = At(stock, *w);
    here.on_hand = at.on_hand();
    here.reserved = at.reserved();
  }
  for (const internal::v1::ReservedLine& l : s.reserved_lines()) {
    const std::optional<WarehouseIndex> w = config_.sourcing.Find(l.warehouse_id());
    if (!w) {
      return absl::DataLossError(Cat("SKU ", s.sku(), ": line of ", l.order_id(),
                                     " reserved at warehouse '", l.warehouse_id(),
                                     "', not configured"));
    }
    SourcedOf(stock, config_.sourcing.warehouses.size())
        .placed.Units(l.order_id(), l.line(), *w) += l.quantity();
  }
  if (config_.sourcing.split_lines) {
    // A waiting line's parts are all among the placed units; one held
    // before split_lines was on holds its units at one warehouse.
    for (const Backorder& b : stock.queue) {
      if (b.line == kWholeSku) continue;
      Sourced& sourced = SourcedOf(stock, config_.sourcing.warehouses.size());
      int64_t parts = 0;
      if (const PlacedLines::Parts* held = sourced.placed.Find(b.order_id, b.line)) {
        for (const PlacedLines::Part& p : *held) parts += p.units;
      }
      if (b.reserved > parts) {
        sourced.placed.Units(b.order_id, b.line, b.held_at) += b.reserved - parts;
      }
    }
  }
  return LoadPreemptible(s, stock);
}

internal::v1::InventoryShardSnapshot InventoryShard::Snapshot() const {
  std::vector<std::pair<std::string_view, const Sku*>> sorted;
  sorted.reserve(skus_.size());
  skus_.ForEach([&](std::string_view sku, const Sku& stock) {
    sorted.emplace_back(sku, &stock);
  });
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  internal::v1::InventoryShardSnapshot snap;
  snap.set_clock_ms(clock_);
  for (const auto& [sku, stock] : sorted) Fill(sku, *stock, snap.add_skus());
  return snap;
}

absl::Status InventoryShard::Restore(
    const internal::v1::InventoryShardSnapshot& snapshot) {
  TextMap<Sku> skus;
  for (const internal::v1::StockState& s : snapshot.skus()) {
    if (absl::Status st = Load(s, skus[s.sku()]); !st.ok()) return st;
  }
  skus_ = std::move(skus);
  clock_ = snapshot.clock_ms();
  return absl::OkStatus();
}

std::vector<std::string> InventoryShard::TakeChangedKeys() {
  changed_set_.clear();
  return std::exchange(changed_, {});
}

internal::v1::StockState InventoryShard::KeyState(std::string_view sku) const {
  internal::v1::StockState state;
  FillKeyState(sku, &state);
  return state;
}

void InventoryShard::FillKeyState(std::string_view sku,
                                  internal::v1::StockState* state) const {
  state->Clear();
  if (const Sku* stock = skus_.Find(sku)) {
    Fill(sku, *stock, state);
  } else {
    state->set_sku(std::string(sku));
  }
}

absl::Status InventoryShard::RestoreKey(std::string_view sku,
                                       const internal::v1::StockState& state) {
  if (sku.empty() || state.sku() != sku) {
    return absl::DataLossError(Cat("inventory changelog record under key '",
                                   sku, "' does not hold that SKU"));
  }
  return Load(state, skus_[state.sku()]);
}

}  // namespace orderflow
