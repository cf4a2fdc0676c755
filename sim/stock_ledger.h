// The engine's stock ledger as a simulator pictures it (rules 2 and
// 3 of docs/contract.md): per SKU the units on hand, reserved for orders, still missing for
// backordered orders and on order from the supplier; per order its lines
// and what each holds. A simulator that keeps one knows when an order
// becomes ALLOCATED without reading the engine's outputs, so it can ship
// only what the engine would let go.
//
//   StockLedger ledger(skus.size(), listener);
//   const uint32_t order = ledger.AddOrder();
//   ... fill ledger.order(order) ...
//   ledger.Reserve(order, t);   // listener.Allocated(order, t) when whole
//
// The model is simplified where the engine's outcome cannot matter to the
// simulator (no partial shipments, no expiry of backorders). It draws no
// random numbers: every decision with chance in it is the caller's.
#ifndef ORDERFLOW_SIM_STOCK_LEDGER_H_
#define ORDERFLOW_SIM_STOCK_LEDGER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct LedgerLine {
  uint32_t sku;
  int32_t quantity;
  int32_t got = 0;  // units reserved for it
  bool waiting = false;
};

struct LedgerOrder {
  std::string id;
  v1::ServiceLevel level;
  EpochMillis placed_at = 0;
  EpochMillis ship_by = 0;
  std::vector<LedgerLine> lines;
  int missing = 0;  // lines not fully reserved
  bool cancelled = false;
  bool shipped = false;
};

struct LedgerSku {
  int64_t on_hand = 0;
  int64_t reserved = 0;
  int64_t backlog = 0;   // units backordered orders still miss
  int64_t on_order = 0;  // units of a receipt on its way
  bool introduced = false;  // counted, or received, at least once
  // Rule 3's serving order: level (higher first), shipBy, placedAt, order;
  // then the line within the order.
  std::set<std::tuple<int, EpochMillis, EpochMillis, uint32_t, uint32_t>> waiting;
};

class StockLedger {
 public:
  // Told of each order that has every line reserved, at the moment it
  // happens (in the middle of Reserve, Serve or Cancel).
  class Listener {
   public:
    virtual void Allocated(uint32_t order, EpochMillis t) = 0;

   protected:
    ~Listener() = default;
  };

  StockLedger(int32_t sku_count, Listener& listener)
      : skus_(sku_count), listener_(listener) {}

  // A new, empty order; its index. Orders are numbered from 0 and kept.
  uint32_t AddOrder() {
    orders_.emplace_back();
    return static_cast<uint32_t>(orders_.size() - 1);
  }
  LedgerOrder& order(uint32_t index) { return orders_[index]; }
  const LedgerSku& sku(uint32_t index) const { return skus_[index]; }

  // Rule 2 for a new order, line by line as the engine asks: each line
  // takes what is free, up to its quantity; a line left short waits.
  void Reserve(uint32_t order, EpochMillis t);

  // Rule 3: free units of `sku` go to the first waiting line in serving
  // order, as long as there are both.
  void Serve(uint32_t sku, EpochMillis t);

  // The order is cancelled: its lines give back what they held (serving
  // each SKU's waiting lines in turn) and stop waiting. False, and nothing
  // changes, when it was cancelled or shipped before.
  bool Cancel(uint32_t order, EpochMillis t);

  // The order leaves the warehouse with what it holds. False, and nothing
  // changes, when it was cancelled or shipped before.
  bool Ship(uint32_t order);

  // The first count of a SKU: true, and the SKU counts as introduced, when
  // it had been neither counted nor received before.
  bool Introduce(uint32_t sku);
  // Units counted on the shelf (a SNAPSHOT).
  void Count(uint32_t sku, int64_t units) { skus_[sku].on_hand = units; }
  // A receipt landed: `units` more on hand, nothing on order any more.
  // Serving the waiting lines is the caller's next step.
  void Receive(uint32_t sku, int64_t units);
  // An adjustment: units found (> 0) or lost (< 0).
  void Adjust(uint32_t sku, int64_t delta) { skus_[sku].on_hand += delta; }

  // Reorder-point policy: when nothing is on order for `sku` and its
  // position (on hand - reserved - backlog + on order) is below
  // `reorder_point`, the backlog the next lot must cover besides its own
  // size (how far the position is below zero, or 0). Nothing otherwise.
  std::optional<int64_t> BelowReorderPoint(uint32_t sku, double reorder_point) const;
  // A lot of `units` ordered for `sku` from the supplier.
  void Ordered(uint32_t sku, int64_t units) { skus_[sku].on_order = units; }

 private:
  std::tuple<int, EpochMillis, EpochMillis, uint32_t, uint32_t> WaitKey(
      uint32_t order, uint32_t line) const;

  std::vector<LedgerSku> skus_;
  std::vector<LedgerOrder> orders_;
  Listener& listener_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_STOCK_LEDGER_H_
