// The fixture of the rule 9 tests (sourcing_test.cc, split_lines_test.cc):
// three warehouses, records that name a warehouse or a ship-to country,
// and each warehouse's stock of a SKU.
//
//   class SourcingTest : public SourcingFixture {
//    protected:
//     void SetUp() override { Configure(ThreeWarehouses()); }
//   };
#ifndef ORDERFLOW_TESTS_ENGINE_SOURCING_FIXTURE_H_
#define ORDERFLOW_TESTS_ENGINE_SOURCING_FIXTURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sourcing_config.h"
#include "tests/engine/engine_test.h"

namespace orderflow::testing {

// A receipt of `quantity` units at one warehouse.
v1::InventoryEvent ReceiptAt(std::string_view warehouse, std::string_view sku,
                             int64_t quantity, EpochMillis at);

// `order` shipped to `country`.
v1::OrderPlaced To(std::string_view country, v1::OrderPlaced order);

// One SKU's (on hand, reserved) at each warehouse that has any, as the
// inventory stage keeps it.
using Held = std::map<std::string, std::pair<int64_t, int64_t>>;
Held AtWarehouses(Pipeline& pipeline, std::string_view sku);

class SourcingFixture : public EngineTest {
 protected:
  // WH-DE serves DE and AT first; WH-FR (rank 1) and WH-NL (rank 2) serve
  // anyone.
  static std::vector<Warehouse> ThreeWarehouses();

  // Starts over with these warehouses and rules.
  void Configure(std::vector<Warehouse> warehouses,
                 SourcingConfig::Fulfilment fulfilment =
                     SourcingConfig::Fulfilment::kShipComplete,
                 bool split_lines = false);

  Held AtWarehouses(std::string_view sku) {
    return ::orderflow::testing::AtWarehouses(pipeline(), sku);
  }
};

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_SOURCING_FIXTURE_H_
