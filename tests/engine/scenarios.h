// Longer input scripts, for the properties that must hold over a whole
// run rather than one rule: outputs independent of the shard layout, and
// restore-from-snapshot continuing exactly as the original.
#ifndef ORDERFLOW_TESTS_ENGINE_SCENARIOS_H_
#define ORDERFLOW_TESTS_ENGINE_SCENARIOS_H_

#include <cstdint>
#include <vector>

#include "engine/config.h"
#include "tests/engine/engine_test.h"

namespace orderflow::testing {

// A few days of a small shop, pseudo-random but fixed by `seed`: ~80
// orders of three service levels over six SKUs, receipts, adjustments and
// counts, cancellations before and after shipping and before the order,
// shipments (some failing, some before their order, some for orders that
// never come), repeated and conflicting orders, records arriving hours
// late, and a final clock line twenty days on.
std::vector<Input> BusyDays(uint32_t seed);

// Runs `inputs` (numbered from 1) on a fresh pipeline with `config`; the
// outputs, in order.
std::vector<Output> RunScript(const EngineConfig& config,
                        const std::vector<Input>& inputs);

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_SCENARIOS_H_
