// An order's lines grouped by SKU, in time linear in the number of lines.
//
// The order stage asks the inventory stage once per distinct SKU, for all
// of the order's units of it, and hears back once per SKU. Found by
// scanning the lines for every SKU, both cost time quadratic in an
// order's lines (one order of 100,000 lines took 34 s); for a few lines
// (up to kSkuScanUpTo) the scan is still the cheapest and allocates
// nothing, so both paths are here, one of each per question.
//
//   ForEachSkuDemand(order, &scratch, [&](const SkuDemand& d) { ... });
//   std::vector<SkuDemand> demand;
//   DemandBySku(order, &demand);   // the same entries, collected
//
//   SkuLines index;                 // a shard's, reused across orders
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

inline bool ScansSkus(const Order& order) {
  return order.lines.size() <= kSkuScanUpTo;
}

// One distinct SKU of an order and all of the order's units of it.
struct SkuDemand {
  SkuId sku;
  int64_t quantity;
};

// Replaces `demand` with the order's distinct SKUs, in the order they
// first appear in its lines, each with the sum of its lines' quantities.
// Through a hash table: for an order that ScansSkus does not hold for.
void DemandBySkuIndexed(const Order& order, std::vector<SkuDemand>* demand);

// Calls f(const SkuDemand&) for each of the order's distinct SKUs, in the
// order they first appear in its lines, with the sum of its lines'
// quantities. A few lines are summed in place, nothing collected; more go
// through `scratch`.
template <typename F>
void ForEachSkuDemand(const Order& order, std::vector<SkuDemand>* scratch,
                      const F& f) {
  if (!ScansSkus(order)) {
    DemandBySkuIndexed(order, scratch);
    for (const SkuDemand& d : *scratch) f(d);
    return;
  }
  const auto& lines = order.lines;
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

// Replaces `demand` with the entries ForEachSkuDemand gives, in its order.
inline void DemandBySku(const Order& order, std::vector<SkuDemand>* demand) {
  if (!ScansSkus(order)) {
    DemandBySkuIndexed(order, demand);
    return;
  }
  demand->clear();
  ForEachSkuDemand(order, demand,
                   [demand](const SkuDemand& d) { demand->push_back(d); });
}

// The lines of one order that hold a SKU. An order with many lines is
// indexed the first time it is asked about and the index kept while it is
// asked about the same order (the same slot and generation). Forget()
// drops the index: the shard calls it whenever a slot changes hands
// (restores included) and when an amendment adds lines to an order.
class SkuLines {
 public:
  // Calls f(i) for each index into order.lines of a line whose SKU is
  // `sku`, in ascending order. A few lines are scanned in place, nothing
  // collected (every answer asks this).
  template <typename F>
  void ForEachOf(const Order& order, SkuId sku, const F& f) {
    const auto& lines = order.lines;
    if (ScansSkus(order)) {
      for (uint32_t i = 0; i < lines.size(); ++i) {
        if (lines[i].sku == sku) f(i);
      }
      return;
    }
    Index(order);
    auto first = first_.find(sku);
    if (first == first_.end()) return;
    for (uint32_t i = first->second; i != kNone; i = next_[i]) f(i);
  }
  void Forget() { indexed_ = false; }

 private:
  // Builds the index of the order's lines unless it is the one kept.
  void Index(const Order& order);

  bool indexed_ = false;
  OrderSlot slot_ = 0;
  uint32_t generation_ = 0;
  // Per SKU, its first line; next_[i] is the next line after i with the
  // same SKU, or kNone.
  static constexpr uint32_t kNone = UINT32_MAX;
  absl::flat_hash_map<SkuId, uint32_t> first_;
  std::vector<uint32_t> next_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SKU_LINES_H_
