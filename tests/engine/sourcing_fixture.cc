#include "tests/engine/sourcing_fixture.h"

#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow::testing {

v1::InventoryEvent ReceiptAt(std::string_view warehouse, std::string_view sku,
                             int64_t quantity, EpochMillis at) {
  v1::InventoryEvent e = Receipt(sku, quantity, at);
  e.set_warehouse_id(std::string(warehouse));
  return e;
}

v1::OrderPlaced To(std::string_view country, v1::OrderPlaced order) {
  order.mutable_ship_to()->set_country(std::string(country));
  return order;
}

Held AtWarehouses(Pipeline& pipeline, std::string_view sku) {
  Held found;
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    const internal::v1::StockState state = pipeline.inventory_shard(i).KeyState(sku);
    for (const internal::v1::WarehouseStock& w : state.warehouses()) {
      if (w.on_hand() != 0 || w.reserved() != 0) {
        found[w.warehouse_id()] = {w.on_hand(), w.reserved()};
      }
    }
  }
  return found;
}

std::vector<Warehouse> SourcingFixture::ThreeWarehouses() {
  return {{"WH-NL", 2, {}}, {"WH-DE", 3, {"DE", "AT"}}, {"WH-FR", 1, {}}};
}

void SourcingFixture::Configure(std::vector<Warehouse> warehouses,
                                SourcingConfig::Fulfilment fulfilment,
                                bool split_lines) {
  Reconfigure([&](EngineConfig& c) {
    c.sourcing.warehouses = std::move(warehouses);
    c.sourcing.fulfilment = fulfilment;
    c.sourcing.split_lines = split_lines;
  });
}

}  // namespace orderflow::testing
