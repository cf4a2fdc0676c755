#include "sim/stock_ledger.h"

#include <algorithm>

namespace orderflow {

std::tuple<int, EpochMillis, EpochMillis, uint32_t, uint32_t> StockLedger::WaitKey(
    uint32_t order, uint32_t line) const {
  const LedgerOrder& o = orders_[order];
  return {-static_cast<int>(o.level), o.ship_by, o.placed_at, order, line};
}

void StockLedger::Reserve(uint32_t index, EpochMillis t) {
  LedgerOrder& order = orders_[index];
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    LedgerLine& line = order.lines[i];
    LedgerSku& sku = skus_[line.sku];
    const int64_t give = std::clamp<int64_t>(sku.on_hand - sku.reserved, 0,
                                             line.quantity);
    sku.reserved += give;
    line.got = static_cast<int32_t>(give);
    if (give < line.quantity) {
      line.waiting = true;
      sku.waiting.insert(WaitKey(index, i));
      sku.backlog += line.quantity - give;
      ++order.missing;
    }
  }
  if (order.missing == 0) listener_.Allocated(index, t);
}

void StockLedger::Serve(uint32_t sku_index, EpochMillis t) {
  LedgerSku& sku = skus_[sku_index];
  while (!sku.waiting.empty() && sku.on_hand - sku.reserved > 0) {
    const auto [level, ship_by, placed_at, index, line_index] = *sku.waiting.begin();
    LedgerOrder& order = orders_[index];
    LedgerLine& line = order.lines[line_index];
    const int64_t give =
        std::min<int64_t>(sku.on_hand - sku.reserved, line.quantity - line.got);
    line.got += static_cast<int32_t>(give);
    sku.reserved += give;
    sku.backlog -= give;
    if (line.got < line.quantity) return;
    sku.waiting.erase(sku.waiting.begin());
    line.waiting = false;
    if (--order.missing == 0) listener_.Allocated(index, t);
  }
}

bool StockLedger::Cancel(uint32_t index, EpochMillis t) {
  LedgerOrder& order = orders_[index];
  if (order.cancelled || order.shipped) return false;
  order.cancelled = true;
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    LedgerLine& line = order.lines[i];
    LedgerSku& sku = skus_[line.sku];
    if (line.waiting) {
      sku.waiting.erase(WaitKey(index, i));
      sku.backlog -= line.quantity - line.got;
      sku.reserved -= line.got;
      line.waiting = false;
    } else {
      sku.reserved -= line.quantity;
    }
    Serve(line.sku, t);
  }
  return true;
}

bool StockLedger::Ship(uint32_t index) {
  LedgerOrder& order = orders_[index];
  if (order.cancelled || order.shipped) return false;
  order.shipped = true;
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    LedgerLine& line = order.lines[i];
    LedgerSku& sku = skus_[line.sku];
    int64_t held = line.quantity;
    if (line.waiting) {  // shipped short: not what the simulators do
      sku.waiting.erase(WaitKey(index, i));
      sku.backlog -= line.quantity - line.got;
      held = line.got;
      line.waiting = false;
    }
    sku.on_hand -= held;
    sku.reserved -= held;
  }
  return true;
}

bool StockLedger::Introduce(uint32_t sku) {
  if (skus_[sku].introduced) return false;
  skus_[sku].introduced = true;
  return true;
}

void StockLedger::Receive(uint32_t sku_index, int64_t units) {
  LedgerSku& sku = skus_[sku_index];
  sku.introduced = true;
  sku.on_hand += units;
  sku.on_order = 0;
}

std::optional<int64_t> StockLedger::BelowReorderPoint(uint32_t sku_index,
                                                      double reorder_point) const {
  const LedgerSku& sku = skus_[sku_index];
  if (sku.on_order > 0) return std::nullopt;
  const int64_t position = sku.on_hand - sku.reserved - sku.backlog + sku.on_order;
  if (static_cast<double>(position) >= reorder_point) return std::nullopt;
  return std::max<int64_t>(0, -position);
}

}  // namespace orderflow
