#include "engine/order_store.h"

#include "engine/holds.h"

namespace orderflow {

OrderStore::OrderStore() {
  Intern("");  // name 0: Order::currency before it is known
}

Order& OrderStore::Create(std::string_view id) {
  OrderSlot slot;
  if (free_slots_.empty()) {
    slot = slots_used_++;
    if (slot % kChunkSize == 0) chunks_.emplace_back();
    chunks_.back().ConstructNext();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Order& order = At(slot);
  order.id.Assign(id);
  order.slot = slot;  // generation: kept from the slot's last order
  index_.Insert(HashText(id), slot);
  last_ = slot;
  return order;
}

void OrderStore::Forget(Order& order) {
  ship_to_.Drop(order);
  carriers_.Forget(order.slot);
  const OrderSlot slot = order.slot;
  const uint32_t generation = order.generation;
  index_.Erase(HashText(order.id), slot);
  if (last_ == slot) last_ = kNoSlot;
  if (slot < backlog_entries_.size()) backlog_entries_[slot] = {};
  if (slot < sourcing_countries_.size()) sourcing_countries_[slot] = 0;
  order = Order{};  // its timer entries die with the generation
  order.generation = generation + 1;
  free_slots_.push_back(slot);
}

void OrderStore::Clear() {
  ship_to_.Clear();  // its order goes
  carriers_.Clear();
  index_.Clear();
  last_ = kNoSlot;
  chunks_.clear();
  backlog_entries_.clear();
  sourcing_countries_.clear();
  slots_used_ = 0;
  free_slots_.clear();
}

void OrderStore::SetSourcingCountry(const Order& order, SkuId country) {
  if (order.slot >= sourcing_countries_.size()) {
    sourcing_countries_.resize((order.slot / kChunkSize + 1) * kChunkSize);
  }
  sourcing_countries_[order.slot] = country;
}

SkuId OrderStore::Intern(std::string_view name) {
  if (const SkuId* id = ids_.Find(name)) return *id;
  const SkuId id = static_cast<SkuId>(names_.size());
  names_.emplace_back(name);
  ids_[name] = id;
  return id;
}

std::optional<SkuId> OrderStore::InternedId(std::string_view name) const {
  if (const SkuId* id = ids_.Find(name)) return *id;
  return std::nullopt;
}

void OrderStore::NoteBacklogEntry(const Order& order) {
  if (order.slot >= backlog_entries_.size()) {
    backlog_entries_.resize((order.slot / kChunkSize + 1) * kChunkSize);
  }
  backlog_entries_[order.slot] = {.placed_at = order.placed_at, .status = order.status};
}

void OrderStore::CountBacklog(EpochMillis now, Backlog& backlog) const {
  for (size_t slot = 0; slot < backlog_entries_.size(); ++slot) {
    const BacklogEntry& e = backlog_entries_[slot];
    backlog.Add(static_cast<v1::OrderStatus>(e.status), now - e.placed_at);
    // Rule 12's open holds: few orders are ON_HOLD, so reading their holds
    // costs little beside the front-to-back pass.
    if (e.status != v1::ORDER_STATUS_ON_HOLD) continue;
    const Order& order = At(static_cast<OrderSlot>(slot));
    if (!order.extras) continue;
    for (const OrderHolds::Hold& hold : order.extras->holds.holds) {
      if (HoldsOrder(hold) && hold.type >= 0 && hold.type < kHoldTypes) {
        ++backlog.open_holds[hold.type];
      }
    }
  }
}

}  // namespace orderflow
