#include "tests/engine/builders.h"

#include <utility>

namespace orderflow::testing {

google::protobuf::Timestamp Ts(EpochMillis t) {
  google::protobuf::Timestamp ts;
  SetTimestamp(t, &ts);
  return ts;
}

v1::OrderPlaced Order(std::string_view id, std::vector<LineSpec> lines,
                      v1::ServiceLevel level, EpochMillis placed_at) {
  v1::OrderPlaced o;
  o.set_order_id(std::string(id));
  o.set_customer_id("C-1");
  *o.mutable_placed_at() = Ts(placed_at);
  o.set_service_level(level);
  o.set_currency("EUR");
  v1::Address* a = o.mutable_ship_to();
  a->set_name("Ada Lovelace");
  a->set_line1("12 St James's Square");
  a->set_city("London");
  a->set_postal_code("SW1Y 4JH");
  a->set_country("GB");
  for (size_t i = 0; i < lines.size(); ++i) {
    v1::OrderLine* line = o.add_lines();
    line->set_line_id("L" + std::to_string(i + 1));
    line->set_sku(lines[i].sku);
    line->set_quantity(lines[i].quantity);
    line->set_unit_price_minor(100);
  }
  return o;
}

v1::OrderPlaced Promised(v1::OrderPlaced order, EpochMillis promised_at) {
  *order.mutable_promised_delivery_at() = Ts(promised_at);
  return order;
}

v1::OrderPlaced Standard(std::string_view id, std::vector<LineSpec> lines,
                         int days) {
  return Promised(Order(id, std::move(lines)), kT0 + Hours(24 * days));
}

v1::CancellationRequested Cancellation(std::string_view order_id,
                                       EpochMillis requested_at) {
  v1::CancellationRequested c;
  c.set_order_id(std::string(order_id));
  *c.mutable_requested_at() = Ts(requested_at);
  c.set_reason("customer changed their mind");
  return c;
}

v1::ShipmentEvent Shipment(std::string_view order_id,
                           std::string_view shipment_id,
                           v1::ShipmentStatus status, EpochMillis occurred_at) {
  v1::ShipmentEvent s;
  s.set_order_id(std::string(order_id));
  s.set_shipment_id(std::string(shipment_id));
  s.set_status(status);
  *s.mutable_occurred_at() = Ts(occurred_at);
  s.set_carrier("DHL");
  s.set_tracking_number("TRK-" + std::string(shipment_id));
  return s;
}

v1::CustomerContact Wismo(std::string_view order_id, std::string_view contact_id,
                          EpochMillis received_at) {
  v1::CustomerContact c;
  c.set_contact_id(std::string(contact_id));
  c.set_order_id(std::string(order_id));
  c.set_customer_id("C-1");
  c.set_kind(v1::CONTACT_KIND_WHERE_IS_MY_ORDER);
  c.set_channel("phone");
  *c.mutable_received_at() = Ts(received_at);
  return c;
}

v1::InvoiceIssued Invoice(std::string_view order_id, std::string_view invoice_id,
                          std::vector<InvoiceLineSpec> lines,
                          EpochMillis issued_at) {
  v1::InvoiceIssued invoice;
  invoice.set_order_id(std::string(order_id));
  invoice.set_invoice_id(std::string(invoice_id));
  *invoice.mutable_issued_at() = Ts(issued_at);
  for (const InvoiceLineSpec& spec : lines) {
    v1::InvoiceLine* line = invoice.add_lines();
    line->set_line_id(spec.line_id);
    line->set_sku(spec.sku);
    line->set_quantity(static_cast<int32_t>(spec.quantity));
    line->set_amount_minor(spec.amount_minor);
  }
  return invoice;
}

namespace {
v1::InventoryEvent Inventory(std::string_view sku, v1::InventoryKind kind,
                             int64_t quantity, EpochMillis occurred_at) {
  v1::InventoryEvent e;
  e.set_sku(std::string(sku));
  e.set_kind(kind);
  e.set_quantity(quantity);
  *e.mutable_occurred_at() = Ts(occurred_at);
  e.set_warehouse_id("W-1");
  return e;
}
}  // namespace

v1::InventoryEvent Receipt(std::string_view sku, int64_t quantity,
                           EpochMillis occurred_at) {
  return Inventory(sku, v1::INVENTORY_KIND_RECEIPT, quantity, occurred_at);
}
v1::InventoryEvent Adjustment(std::string_view sku, int64_t delta,
                              EpochMillis occurred_at) {
  return Inventory(sku, v1::INVENTORY_KIND_ADJUSTMENT, delta, occurred_at);
}
v1::InventoryEvent StockCount(std::string_view sku, int64_t on_hand,
                              EpochMillis occurred_at) {
  return Inventory(sku, v1::INVENTORY_KIND_SNAPSHOT, on_hand, occurred_at);
}

}  // namespace orderflow::testing
