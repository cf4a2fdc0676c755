#include "engine/order.h"

namespace orderflow {

void Order::AddLine(std::string_view line_id, SkuId sku, int32_t quantity,
                    int64_t unit_price, bool reserved) {
  const size_t end = LineIdsEnd();
  packed_.insert(end, line_id);  // before the address, if any
  const uint64_t price = static_cast<uint64_t>(unit_price);
  lines.push_back(Line{sku, quantity, static_cast<uint32_t>(end + line_id.size()),
                       reserved, static_cast<uint32_t>(price),
                       static_cast<int32_t>(static_cast<uint32_t>(price >> 32)),
                       LineSourcing::kNowhere, 0});
}

}  // namespace orderflow
