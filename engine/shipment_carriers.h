// Rule 13: the carrier and tracking number of each shipment of the orders
// of one shard, which a customer contact states (OrderShard::OrderFacts):
// kept for every order that ships, whether or not it uses the v1.1
// extensions, by the order's slot (engine/order_store.h owns the table,
// so that an order forgotten loses its shipments with it).
//
// Contract:
//  - Note keeps a shipment's carrier and tracking number as the first
//    SHIPPED, DELIVERED or DELIVERY_FAILED of it that named either said:
//    a shipment the order already has, or one that names neither, is not
//    noted (Note returns false).
//  - ForEach gives the order's shipments in the order they were noted;
//    their views are valid until the order's next Note, Forget or Clear.
//  - Forget drops the order's shipments; its slot may hold another order
//    next. Clear drops every order's.
//  - Carrier names are interned (a shard sees few) for the lifetime of
//    the table; Clear keeps them.
//
// Memory (bench/README.md, BM_BytesPerShippedOrder): nothing while no
// order of the shard has shipped naming a carrier or tracking number;
// from then on a pointer per slot (an array by slot, so that finding an
// order's shipments reads one place and no hash table), and for an order
// that did, one allocation holding its size (4 bytes), then its
// shipments back to back: each one's time (8), its carrier's number (4),
// the lengths of its shipmentId and tracking number (one byte each while
// under 128) and their bytes.
//
//   ShipmentCarriers carriers;
//   carriers.Note(order.slot, {"S-1", "DHL", "TR-1", at});  // true
//   carriers.Note(order.slot, {"S-1", "UPS", "TR-2", at});  // false: known
//   carriers.ForEach(order.slot, [](const ShipmentCarriers::Carried& c) {});
//   carriers.Forget(order.slot);
#ifndef ORDERFLOW_ENGINE_SHIPMENT_CARRIERS_H_
#define ORDERFLOW_ENGINE_SHIPMENT_CARRIERS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/string_map.h"
#include "engine/time.h"

namespace orderflow {

class ShipmentCarriers {
 public:
  // Where an order lives in its OrderStore (OrderSlot, engine/order.h).
  using Slot = uint32_t;

  // A shipment (a parcel) the carrier took.
  struct Carried {
    std::string_view shipment_id;
    std::string_view carrier;          // may be empty
    std::string_view tracking_number;  // may be empty
    EpochMillis occurred_at = 0;       // of the event that named them
  };

  ShipmentCarriers();
  ShipmentCarriers(const ShipmentCarriers&) = delete;
  ShipmentCarriers& operator=(const ShipmentCarriers&) = delete;

  bool Note(Slot slot, const Carried& shipment);

  template <typename F>
  void ForEach(Slot slot, const F& f) const {
    if (const char* block = BlockOf(slot)) ForEachIn(block, f);
  }

  void Forget(Slot slot) {
    if (slot < by_slot_.size()) by_slot_[slot].reset();
  }
  void Clear() { by_slot_.clear(); }

  // Starts reading the slot's place in the table into cache, for a Note
  // or ForEach soon after (it changes nothing).
  void Prefetch(Slot slot) const {
    if (slot < by_slot_.size()) __builtin_prefetch(&by_slot_[slot]);
  }

 private:
  using Block = std::unique_ptr<char[]>;
  // A block starts with its own size in bytes.
  static constexpr size_t kHeaderBytes = 4;
  static uint32_t SizeOf(const char* block);
  const char* BlockOf(Slot slot) const {
    return slot < by_slot_.size() ? by_slot_[slot].get() : nullptr;
  }
  // Reads the shipment at `p` into `c`; returns where the next one starts.
  const char* Read(const char* p, Carried& c) const;
  // Calls f(const Carried&) for each shipment of `block`, in order; stops
  // early when f returns false (f may also return nothing).
  template <typename F>
  void ForEachIn(const char* block, const F& f) const {
    const char* const end = block + SizeOf(block);
    for (const char* p = block + kHeaderBytes; p < end;) {
      Carried c;
      p = Read(p, c);
      if constexpr (std::is_same_v<decltype(f(c)), bool>) {
        if (!f(c)) return;
      } else {
        f(c);
      }
    }
  }
  uint32_t Intern(std::string_view carrier);

  // Each slot's block (null: none), for every slot up to the highest one
  // noted, in steps of kSlotsPerStep.
  static constexpr size_t kSlotsPerStep = 4096;
  std::vector<Block> by_slot_;
  // Carrier names by number (0 is ""), and numbers by name.
  std::deque<std::string> names_;
  StringMap<uint32_t> numbers_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SHIPMENT_CARRIERS_H_
