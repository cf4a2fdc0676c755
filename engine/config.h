// Every threshold of docs/contract.md, with its default. The engine reads these
// and nothing else; config/ loads them from a file.
#ifndef ORDERFLOW_ENGINE_CONFIG_H_
#define ORDERFLOW_ENGINE_CONFIG_H_

#include <cstdint>

#include "engine/hold_limits.h"
#include "engine/sourcing_config.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// What one service level promises (rule 6).
struct ServiceLevelTimes {
  Millis promise;  // placedAt -> promisedDeliveryAt when none is given
  Millis transit;  // shipBy = promisedDeliveryAt - transit
};

inline constexpr int64_t kMaxLinesPerOrder = 65'535;

struct EngineConfig {
  // Rule 1: a line with more units than this is QUANTITY_LIMIT.
  int64_t max_line_quantity = 1000;
  // Rule 1: an order with more lines than this is LINE_LIMIT, and an
  // invoice with more goes to dead-letter (LINE_LIMIT). At most
  // kMaxLinesPerOrder: the order stage counts an order's awaited stock
  // answers, one per distinct SKU, in 16 bits.
  int64_t max_lines_per_order = 10'000;

  // Rule 6.
  ServiceLevelTimes standard{Days(5), Days(3)};
  ServiceLevelTimes express{Days(2), Days(1)};
  ServiceLevelTimes overnight{Days(1), Hours(12)};
  Millis ship_at_risk_window = Hours(4);    // before shipBy: level 1
  Millis delivery_level3_after = Hours(48);  // after promisedDeliveryAt
  Millis backorder_aged_level1 = Hours(24);
  Millis backorder_aged_level2 = Hours(72);

  // Rules 4 and 5: how long a cancellation or shipment waits for its order.
  Millis early_cancellation_retention = Days(7);
  Millis early_shipment_retention = Days(7);
  // How long an invoice waits for its order (then INVOICE_FOR_UNKNOWN_ORDER).
  Millis early_invoice_retention = Days(7);
  // How long a closed order (rejected, cancelled, delivered) is remembered,
  // so that a late duplicate of it is still recognised. After this the
  // order is forgotten and memory is returned.
  Millis closed_order_retention = Days(30);

  // Shards per stage: Kafka partitions of the input topics, and the shards
  // `replay` runs. Outputs do not depend on them.
  int32_t order_partitions = 4;
  int32_t inventory_partitions = 4;

  // Rule 9: warehouses and how lines are sourced from them.
  SourcingConfig sourcing;

  // Rule 13: an unresolved customer contact goes to level 2, then 3.
  Millis contact_level2_after = Hours(24);
  Millis contact_level3_after = Hours(72);
  // How long a contact waits for its order (then UNMATCHED_CONTACT).
  Millis early_contact_retention = Days(7);
  // Rule 12: how long each type of hold may stay open (HOLD_AGED).
  HoldLimits holds;

  const ServiceLevelTimes& For(v1::ServiceLevel level) const {
    switch (level) {
      case v1::SERVICE_LEVEL_OVERNIGHT: return overnight;
      case v1::SERVICE_LEVEL_EXPRESS: return express;
      case v1::SERVICE_LEVEL_STANDARD:
      case v1::SERVICE_LEVEL_UNSPECIFIED:
      case v1::ServiceLevel_INT_MIN_SENTINEL_DO_NOT_USE_:
      case v1::ServiceLevel_INT_MAX_SENTINEL_DO_NOT_USE_:
        break;
    }
    return standard;
  }
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_CONFIG_H_
