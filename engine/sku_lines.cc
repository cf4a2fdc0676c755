#include "engine/sku_lines.h"

#include <algorithm>

namespace orderflow {
void DemandBySku(const Order& order, std::vector<SkuDemand>* demand) {
  demand->clear();
  const auto& lines = order.lines;
  if (lines.size() <= kSkuScanUpTo) {
    for (const Order::Line& line : lines) {
      auto same = std::find_if(demand->begin(), demand->end(),
                               [&line](const SkuDemand& d) { return d.sku == line.sku; });
      if (same == demand->end()) {
        demand->push_back(SkuDemand{line.sku, line.quantity});
      } else {
        same->quantity += line.quantity;
      }
    }
    return;
  }
  absl::flat_hash_map<SkuId, size_t> position;
  position.reserve(lines.size());
  for (const Order::Line& line : lines) {
    auto [it, added] = position.try_emplace(line.sku, demand->size());
    if (added) {
      demand->push_back(SkuDemand{line.sku, line.quantity});
    } else {
      (*demand)[it->second].quantity += line.quantity;
    }
  }
}

const std::vector<uint32_t>& SkuLines::Of(const Order& order, SkuId sku) {
  const auto& lines = order.lines;
  found_.clear();
  if (lines.size() < kIndexFrom) {
    for (uint32_t i = 0; i < lines.size(); ++i) {
      if (lines[i].sku == sku) found_.push_back(i);
    }
    return found_;
  }
  if (!indexed_ || slot_ != order.slot || generation_ != order.generation) {
    first_.clear();
    next_.assign(lines.size(), kNone);
    for (uint32_t i = static_cast<uint32_t>(lines.size()); i-- > 0;) {
      auto [it, added] = first_.try_emplace(lines[i].sku, i);
      if (!added) {
        next_[i] = it->second;
        it->second = i;
      }
    }
    indexed_ = true;
    slot_ = order.slot;
    generation_ = order.generation;
  }
  auto first = first_.find(sku);
  if (first == first_.end()) return found_;
  for (uint32_t i = first->second; i != kNone; i = next_[i]) found_.push_back(i);
  return found_;
}

}  // namespace orderflow
