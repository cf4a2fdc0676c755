#include "tests/engine/amendment_builders.h"

#include <string>

#include "tests/engine/builders.h"

namespace orderflow::testing {

v1::OrderAmended Amendment(std::string_view order_id,
                           std::string_view amendment_id,
                           EpochMillis requested_at) {
  v1::OrderAmended a;
  a.set_order_id(std::string(order_id));
  a.set_amendment_id(std::string(amendment_id));
  *a.mutable_requested_at() = Ts(requested_at);
  return a;
}

v1::OrderAmended WithLine(v1::OrderAmended a, std::string_view line_id,
                          std::string_view sku, int32_t quantity) {
  v1::AmendedLine* line = a.add_lines();
  line->set_line_id(std::string(line_id));
  line->set_sku(std::string(sku));
  line->set_quantity(quantity);
  return a;
}

}  // namespace orderflow::testing
