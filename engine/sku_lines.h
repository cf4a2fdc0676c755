// An order's lines grouped by SKU, in time linear in the number of lines.
//
// The order stage asks the inventory stage once per distinct SKU, for all
// of the order's units of it, and hears back once per SKU. Found by
// scanning the lines for every SKU, both cost time quadratic in an
// order's lines (one order of 100,000 lines took 34 s); for a few lines
// the scan is still the cheapest, so both paths are here.
//
//   std::vector<SkuDemand> demand;
//   DemandBySku(order, &demand);   // one entry per distinct SKU
//
//   SkuLines index;                 // a shard's, reused across orders
//   for (uint32_t i : index.Of(order, sku)) order.lines[i].reserved = true;
//   index.ForEachOf(order, sku, [&](uint32_t i) { order.lines[i].reserved = true; });
#ifndef ORDERFLOW_ENGINE_SKU_LINES_H_
#define ORDERFLOW_ENGINE_SKU_LINES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/order.h"

namespace orderflow {

// Up to this many lines, an order's lines are compared pairwise (which
// allocates nothing and wins); above it, through a hash table.
inline constexpr size_t kSkuScanUpTo = 32;

// One distinct SKU of an order and all of the order's units of it.
struct SkuDemand {
  SkuId sku;
  int64_t quantity;
};

// Replaces `demand` with the order's distinct SKUs in the order they first
// appear in its lines, each with the sum of its lines' quantities.
void DemandBySku(const Order& order, std::vector<SkuDemand>* demand);
// Calls f(const SkuDemand&) for each entry DemandBySku gives, in its
// order: a few lines are summed in place, nothing collected; more go
// through `scratch`.
template <typename F>
void ForEachSkuDemand(const Order& order, std::vector<SkuDemand>* scratch,
                      const F& f) {
  const auto& lines = order.lines;
  if (lines.size() > kSkuScanUpTo) {
    DemandBySku(order, scratch);
    for (const SkuDemand& d : *scratch) f(d);
    return;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const SkuId sku = lines[i].sku;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) seen = lines[j].sku == sku;
    if (seen) continue;  // summed with its first line
    SkuDemand d{sku, lines[i].quantity};
    for (size_t k = i + 1; k < lines.size(); ++k) {
      if (lines[k].sku == sku) d.quantity += lines[k].quantity;
    }
    f(d);
  }
}

// The lines of one order that hold a SKU. Indexes the order's lines the
// first time it is asked about that order (an order with many lines only)
// and keeps the index while it is asked about the same order: an order's
// lines never change while it lives, and a slot's next order has another
// generation. Forget() drops the index (the shard calls it whenever a slot
// changes hands, restores included).
class SkuLines {
 public:
  // The indexes into order.lines of the lines whose SKU is `sku`, in
  // ascending order. Valid until the next call.
  const std::vector<uint32_t>& Of(const Order& order, SkuId sku);
  // Calls f(i) for each index Of gives, in ascending order: a few lines
  // are scanned in place, nothing collected (every answer asks this).
  template <typename F>
  void ForEachOf(const Order& order, SkuId sku, const F& f) {
    const auto& lines = order.lines;
    if (lines.size() < kIndexFrom) {
      for (uint32_t i = 0; i < lines.size(); ++i) {
        if (lines[i].sku == sku) f(i);
      }
      return;
    }
    for (uint32_t i : Of(order, sku)) f(i);
  }
  void Forget() { indexed_ = false; }

 private:
  // Below this many lines a scan is cheaper than an index.
  static constexpr size_t kIndexFrom = 32;

  bool indexed_ = false;
  OrderSlot slot_ = 0;
  uint32_t generation_ = 0;
  // Per SKU, its first line; next_[i] is the next line after i with the
  // same SKU, or kNone.
  static constexpr uint32_t kNone = UINT32_MAX;
  absl::flat_hash_map<SkuId, uint32_t> first_;
  std::vector<uint32_t> next_;
  std::vector<uint32_t> found_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SKU_LINES_H_
