// The records the host and real-broker tests feed an engine when what they
// test is the transport, not a rule: plenty of one SKU, and one-line
// orders that each take one of it. The engine tests build their own
// (tests/engine/builders.h), with the knobs the rules need.
#ifndef ORDERFLOW_TESTS_SUPPORT_SAMPLE_RECORDS_H_
#define ORDERFLOW_TESTS_SUPPORT_SAMPLE_RECORDS_H_

#include <cstdint>
#include <string>

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow::testing {

inline constexpr char kSampleSku[] = "SKU-1";

// A stock count (SNAPSHOT) of 1,000,000 of kSampleSku at `at_ms`.
v1::InventoryEvent PlentyOfStock(int64_t at_ms);

// An order `id` placed at `placed_ms` (whole seconds), STANDARD, to an
// address in GB, of one line "1": kSampleSku x1 at 100 minor units.
v1::OrderPlaced OneLineOrder(const std::string& id, int64_t placed_ms);

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_SUPPORT_SAMPLE_RECORDS_H_
