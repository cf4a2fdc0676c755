// Input messages for the engine tests, valid unless a test spoils them.
//
//   v1::OrderPlaced o = Order("O-1", {{"SKU-A", 2}}, v1::SERVICE_LEVEL_EXPRESS);
//   o.mutable_ship_to()->clear_city();        // now ADDRESS_INCOMPLETE
//   v1::InventoryEvent r = Receipt("SKU-A", 5, kT0);
#ifndef ORDERFLOW_TESTS_ENGINE_BUILDERS_H_
#define ORDERFLOW_TESTS_ENGINE_BUILDERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow::testing {

// 2026-03-02T10:00:00Z: the start of every scenario.
inline constexpr EpochMillis kT0 = 1772445600000;

inline constexpr v1::ServiceLevel kStandard = v1::SERVICE_LEVEL_STANDARD;
inline constexpr v1::ServiceLevel kExpress = v1::SERVICE_LEVEL_EXPRESS;
inline constexpr v1::ServiceLevel kOvernight = v1::SERVICE_LEVEL_OVERNIGHT;

google::protobuf::Timestamp Ts(EpochMillis t);
inline EpochMillis Ms(const google::protobuf::Timestamp& t) { return ToMillis(t); }

struct LineSpec {
  std::string sku;
  int64_t quantity;
};

// A complete, valid order: customer, currency EUR, a full ship-to address,
// lines "L1", "L2", ... priced 100 minor units each, no promisedDeliveryAt.
v1::OrderPlaced Order(std::string_view id,
                      std::vector<LineSpec> lines = {{"SKU-A", 1}},
                      v1::ServiceLevel level = kStandard,
                      EpochMillis placed_at = kT0);
// The same order with promisedDeliveryAt set.
v1::OrderPlaced Promised(v1::OrderPlaced order, EpochMillis promised_at);
// Order(id, lines), STANDARD, promised `days` after kT0: its shipBy is 3
// days before.
v1::OrderPlaced Standard(std::string_view id, std::vector<LineSpec> lines,
                         int days);

v1::CancellationRequested Cancellation(std::string_view order_id,
                                       EpochMillis requested_at);

v1::ShipmentEvent Shipment(std::string_view order_id,
                           std::string_view shipment_id,
                           v1::ShipmentStatus status, EpochMillis occurred_at);
inline constexpr v1::ShipmentStatus kShipped = v1::SHIPMENT_STATUS_SHIPPED;

// A customer asking where their order is (WHERE_IS_MY_ORDER), by phone,
// from customer C-1.
v1::CustomerContact Wismo(std::string_view order_id, std::string_view contact_id,
                          EpochMillis received_at);

struct InvoiceLineSpec {
  std::string line_id;
  std::string sku;
  int64_t quantity;
  int64_t amount_minor;
};
// An invoice of `lines`; issuedAt = `issued_at`.
v1::InvoiceIssued Invoice(std::string_view order_id, std::string_view invoice_id,
                          std::vector<InvoiceLineSpec> lines,
                          EpochMillis issued_at);

v1::InventoryEvent Receipt(std::string_view sku, int64_t quantity,
                           EpochMillis occurred_at);
v1::InventoryEvent Adjustment(std::string_view sku, int64_t delta,
                              EpochMillis occurred_at);
v1::InventoryEvent StockCount(std::string_view sku, int64_t on_hand,
                              EpochMillis occurred_at);  // a SNAPSHOT

// A record with only a timestamp: no topic, key or payload.
inline RecordSource At(EpochMillis timestamp) {
  RecordSource source;
  source.timestamp = timestamp;
  return source;
}

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_BUILDERS_H_
