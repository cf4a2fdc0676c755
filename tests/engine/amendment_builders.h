// OrderAmended messages for the rule 11 tests (amendment_test.cc,
// amendment_sourced_test.cc): one amendment, then its lines one by one.
//
//   v1::OrderAmended a = WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)),
//                                 "L1", "SKU-A", 4);  // L1 now 4 units
//   a = WithLine(a, "L2", "SKU-B", 0);                // L2 removed
#ifndef ORDERFLOW_TESTS_ENGINE_AMENDMENT_BUILDERS_H_
#define ORDERFLOW_TESTS_ENGINE_AMENDMENT_BUILDERS_H_

#include <cstdint>
#include <string_view>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow::testing {

// An amendment of `order_id` with no lines and no address.
v1::OrderAmended Amendment(std::string_view order_id,
                           std::string_view amendment_id,
                           EpochMillis requested_at);

// `a` naming one more line: an existing `line_id` gets `quantity` (0
// removes it), a new one adds a line of `sku`.
v1::OrderAmended WithLine(v1::OrderAmended a, std::string_view line_id,
                          std::string_view sku, int32_t quantity);

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_AMENDMENT_BUILDERS_H_
