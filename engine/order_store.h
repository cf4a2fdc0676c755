// Where the orders of one shard live: each in a slot of fixed-size chunks
// (stable addresses), found by id through a SlotIndex, with the SKU names
// and currency codes they refer to interned, and small arrays by slot of
// what the backlog count reads and of the ship-to country each sourced
// order's lines are sourced by.
//
// Contract:
//  - Create gives an order a slot (a freed one first, else the next one
//    never used) and indexes it by id; the id must not be indexed. The
//    order's address (Order&) stays valid until it is forgotten or the
//    store is cleared, however many orders come after it.
//  - A slot's generation counts the orders it held before: Forget resets
//    the order to a new Order, bumps the generation and frees the slot, so
//    anything that remembered (slot, generation) (the timers) can tell
//    that its order is gone.
//  - Intern gives each distinct name one SkuId for the store's lifetime
//    (Clear keeps them); name 0 is "".
//  - The backlog array holds, by slot, the status and placedAt noted last
//    (NoteBacklogEntry) for the order in it; a free slot holds UNSPECIFIED,
//    which no backlog counts.
//  - The sourcing country array holds, by slot, the country set last
//    (SetSourcingCountry) for the order in it; a free slot, or one whose
//    order has none set, holds 0 (""). It stays empty while no order is
//    sourced (rule 9), so a v1 order pays nothing for it.
//  - The ship-to addresses (engine/ship_to.h) and the carriers of the
//    orders' shipments (engine/shipment_carriers.h) belong to the store:
//    an order forgotten loses its address and its shipments with it.
//
//   OrderStore store;
//   Order& order = store.Create("SO-1");
//   order.currency = store.Intern("EUR");
//   Order* again = store.Find("SO-1");  // &order
//   store.Forget(order);
#ifndef ORDERFLOW_ENGINE_ORDER_STORE_H_
#define ORDERFLOW_ENGINE_ORDER_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/order.h"
#include "engine/service_metrics.h"
#include "engine/ship_to.h"
#include "engine/shipment_carriers.h"
#include "engine/slot_index.h"
#include "engine/string_map.h"
#include "engine/text_map.h"
#include "engine/time.h"

namespace orderflow {

class OrderStore {
 public:
  OrderStore();
  OrderStore(const OrderStore&) = delete;
  OrderStore& operator=(const OrderStore&) = delete;

  // The order with this id; nullptr when there is none.
  Order* Find(std::string_view id) {
    return const_cast<Order*>(std::as_const(*this).Find(id));
  }
  const Order* Find(std::string_view id) const {
    // The order found or created last is tried first, without a lookup:
    // an order's answers from inventory come right after it is accepted.
    if (last_ != kNoSlot && SameText(At(last_).id, id)) return &At(last_);
    // The slot's entries beside the order are fetched while its id is
    // compared: they are read again soon after most lookups (a status
    // change notes the order's backlog entry; a shipment its carrier).
    const std::optional<OrderSlot> slot = index_.Find(
        id, HashText(id), [this](OrderSlot s) -> std::string_view {
          PrefetchBeside(s);
          return At(s).id;
        });
    if (!slot) return nullptr;
    last_ = *slot;
    return &At(*slot);
  }
  // A new order with this id (which must not be in the store), in a slot.
  Order& Create(std::string_view id);
  // Frees the order's slot (see the contract above).
  void Forget(Order& order);
  // Forgets every order (names stay interned).
  void Clear();

  // The order in `slot`, which must have been handed out (by Create); a
  // free slot holds an empty order.
  Order& At(OrderSlot slot) {
    return chunks_[slot / kChunkSize][slot % kChunkSize];
  }
  const Order& At(OrderSlot slot) const {
    return chunks_[slot / kChunkSize][slot % kChunkSize];
  }
  size_t size() const { return index_.size(); }
  // Calls f(order) for every order, in no particular order.
  template <typename F>
  void ForEach(const F& f) const {
    index_.ForEach([&](OrderSlot slot) { f(At(slot)); });
  }

  SkuId Intern(std::string_view name);
  // Starts reading where Intern(name) looks, for an Intern soon after.
  void PrefetchIntern(std::string_view name) const { ids_.Prefetch(name); }
  // Starts reading Name(id), for a read soon after.
  void PrefetchName(SkuId id) const { __builtin_prefetch(&names_[id]); }
  // Intern for an order's currency and for its ship-to country: orders
  // come in a few of each (and most in one), so the code interned last of
  // each kind is remembered and found again without a lookup.
  SkuId InternCurrency(std::string_view code) { return InternCode(code, last_currency_); }
  SkuId InternCountry(std::string_view code) { return InternCode(code, last_country_); }
  // Rule 9: the ship-to country (interned) the order's lines are sourced
  // by (an amended address's once amended), by which an amended or
  // preempted line is asked for again; 0 ("") when none was set.
  SkuId SourcingCountry(const Order& order) const {
    return order.slot < sourcing_countries_.size() ? sourcing_countries_[order.slot]
                                                   : 0;
  }
  void SetSourcingCountry(const Order& order, SkuId country);
  // The id of an interned name; nullopt for a name never interned.
  std::optional<SkuId> InternedId(std::string_view name) const;
  const std::string& Name(SkuId id) const { return names_[id]; }

  // Notes the order's status and placedAt for CountBacklog.
  void NoteBacklogEntry(const Order& order);
  // Adds the orders' noted statuses, by age at `now`, to `backlog`. Reads
  // 8 bytes a slot, front to back, and the holds of the orders noted
  // ON_HOLD (Backlog::open_holds).
  void CountBacklog(EpochMillis now, Backlog& backlog) const;

  ShipToAddresses& ship_to() { return ship_to_; }
  const ShipToAddresses& ship_to() const { return ship_to_; }
  ShipmentCarriers& carriers() { return carriers_; }
  const ShipmentCarriers& carriers() const { return carriers_; }

 private:
  // A chunk is as many orders as fit in 224 KiB: 1.75 times a power of
  // two, a size class of allocators that round large blocks up to a
  // quarter of a power of two (jemalloc, which `orderflow` runs with), so
  // no chunk carries an unused tail (a power of two of orders would leave
  // part of its block unused unless an order's size divided it).
  static constexpr size_t kChunkBytes = 224 * 1024;
  static constexpr OrderSlot kChunkSize =
      static_cast<OrderSlot>(kChunkBytes / sizeof(Order));

  // The room of kChunkSize orders, each constructed when its slot is first
  // handed out (Create), not the whole chunk at once: a new order is
  // written once, while it is in cache, instead of once when its chunk
  // comes and again, long after, when it is used. Destroys the orders it
  // constructed.
  class Chunk {
   public:
    Chunk() : orders_(static_cast<Order*>(::operator new(kChunkSize * sizeof(Order)))) {}
    Chunk(Chunk&& other) noexcept
        : orders_(std::exchange(other.orders_, nullptr)),
          constructed_(std::exchange(other.constructed_, 0)) {}
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
    Chunk& operator=(Chunk&&) = delete;
    ~Chunk() {
      if (orders_ == nullptr) return;
      std::destroy_n(orders_, constructed_);
      ::operator delete(orders_);
    }
    // Constructs the chunk's next order (slots are handed out in order).
    void ConstructNext() { new (orders_ + constructed_++) Order(); }
    Order& operator[](OrderSlot i) const { return orders_[i]; }

   private:
    Order* orders_;
    OrderSlot constructed_ = 0;
  };
  std::vector<Chunk> chunks_;
  // The slot of the order found or created last, while it holds that
  // order (kNoSlot: none).
  static constexpr OrderSlot kNoSlot = ~OrderSlot{0};
  mutable OrderSlot last_ = kNoSlot;
  OrderSlot slots_used_ = 0;  // slots ever handed out; the rest of the last chunk is free
  std::vector<OrderSlot> free_slots_;
  SlotIndex index_;  // the orders' slots by id

  // What CountBacklog needs of each slot's order, beside the orders, so
  // that counting reads one small array front to back instead of every
  // order through the index. Eight bytes: placedAt in 56 bits (over a
  // million years either side of 1970) beside the status.
  struct BacklogEntry {
    EpochMillis placed_at : 56 = 0;
    int64_t status : 8 = v1::ORDER_STATUS_UNSPECIFIED;
  };
  static_assert(sizeof(BacklogEntry) == 8);
  std::vector<BacklogEntry> backlog_entries_;  // by slot
  std::vector<SkuId> sourcing_countries_;      // by slot

  // Each name twice: by id, and as the key of the lookup table, where a
  // short name sits beside its id (one cache miss).
  std::deque<std::string> names_;
  TextMap<SkuId> ids_;
  SkuId InternCode(std::string_view code, SkuId& last) {
    if (last == 0 || !SameText(code, names_[last])) last = Intern(code);
    return last;
  }
  // InternCurrency's and InternCountry's; 0 ("") for none yet.
  SkuId last_currency_ = 0;
  SkuId last_country_ = 0;

  ShipToAddresses ship_to_;
  ShipmentCarriers carriers_;  // by slot

  // Starts reading the slot's entries beside its order (Find).
  void PrefetchBeside(OrderSlot slot) const {
    if (slot < backlog_entries_.size()) __builtin_prefetch(&backlog_entries_[slot]);
    carriers_.Prefetch(slot);
  }
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_STORE_H_
