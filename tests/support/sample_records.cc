#include "tests/support/sample_records.h"

namespace orderflow::testing {

v1::InventoryEvent PlentyOfStock(int64_t at_ms) {
  v1::InventoryEvent stock;
  stock.set_sku(kSampleSku);
  stock.set_kind(v1::INVENTORY_KIND_SNAPSHOT);
  stock.set_quantity(1000000);
  stock.mutable_occurred_at()->set_seconds(at_ms / 1000);
  return stock;
}

v1::OrderPlaced OneLineOrder(const std::string& id, int64_t placed_ms) {
  v1::OrderPlaced o;
  o.set_order_id(id);
  o.set_customer_id("C-1");
  o.mutable_placed_at()->set_seconds(placed_ms / 1000);
  o.set_service_level(v1::SERVICE_LEVEL_STANDARD);
  o.set_currency("EUR");
  v1::Address* a = o.mutable_ship_to();
  a->set_name("A");
  a->set_line1("1 High St");
  a->set_city("Leeds");
  a->set_postal_code("LS1");
  a->set_country("GB");
  v1::OrderLine* line = o.add_lines();
  line->set_line_id("1");
  line->set_sku(kSampleSku);
  line->set_quantity(1);
  line->set_unit_price_minor(100);
  return o;
}

}  // namespace orderflow::testing
