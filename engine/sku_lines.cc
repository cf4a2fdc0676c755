#include "engine/sku_lines.h"

namespace orderflow {

void DemandBySkuIndexed(const Order& order, std::vector<SkuDemand>* demand) {
  demand->clear();
  absl::flat_hash_map<SkuId, size_t> position;
  position.reserve(order.lines.size());
  for (const Order::Line& line : order.lines) {
    auto [it, added] = position.try_emplace(line.sku, demand->size());
    if (added) {
      demand->push_back(SkuDemand{line.sku, line.quantity});
    } else {
      (*demand)[it->second].quantity += line.quantity;
    }
  }
}

void SkuLines::Index(const Order& order) {
  if (indexed_ && slot_ == order.slot && generation_ == order.generation) return;
  const auto& lines = order.lines;
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

}  // namespace orderflow
