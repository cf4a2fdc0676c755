// The v1.1 pieces of the generated workload (DOMAIN.md "Extensions
// (v1.1)"): where stock is kept, how a shipment is cut into parcels, and
// the records of amendments, holds and customer contacts. The generator
// (bench/workload.cc) decides when each happens; this file decides what
// the records say. Nothing here draws random numbers except through the
// Random it is handed, so a seed still names the same stream.
#ifndef ORDERFLOW_BENCH_WORKLOAD_MIX_H_
#define ORDERFLOW_BENCH_WORKLOAD_MIX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "sim/random.h"

namespace orderflow::workload {

// The warehouse a SKU is stocked at. Every SKU lives in one warehouse
// (94 % WH-DE-1, 3 % WH-DE-2, 3 % WH-FR, by a hash of its index), so an
// order whose lines come from two warehouses ships in two tasks. One home
// per SKU also keeps the generator's stock model (sim/stock_ledger.h, per
// SKU) the engine's per-(SKU, warehouse) ledger.
std::string_view HomeOf(uint32_t sku);

// One parcel: what a SHIPPED, DELIVERED or DELIVERY_FAILED of it carries.
struct Parcel {
  std::string task_id;      // <orderId>/delivery/<warehouseId>
  std::string shipment_id;  // SHP-<n>-<k>
  std::vector<std::pair<std::string, int32_t>> lines;  // line id, units
};

// The parcels of an order that ships: one task per warehouse its lines
// come from (`homes[i]` is line i's), each one parcel, or two when
// `split_task` and the task has more than one unit (the warehouse could
// not fit it in one box). `number` names the shipments.
std::vector<Parcel> PlanParcels(const v1::OrderPlaced& order,
                                const std::vector<std::string_view>& homes,
                                uint64_t number, bool split_task);

// A ShipmentEvent of `parcel`: its task, and its lines on the events that
// ship, deliver or fail it (PICKED and PACKED name only the task).
void DescribeParcel(const Parcel& parcel, v1::ShipmentEvent& event);

// A hold of a type drawn as payment, fraud and ERP systems place them
// (PAYMENT 40 %, FRAUD 20 %, ADDRESS 15 %, CREDIT 10 %, CUSTOMER_REQUEST
// 10 %, OTHER 5 %).
v1::HoldType DrawHoldType(Random& rng);
// How long a hold of `type` stays open: mostly well within its limit
// (rule 12's defaults), one in ten past it (HOLD_AGED).
Millis DrawHoldDuration(v1::HoldType type, Random& rng);
v1::HoldEvent HoldPlaced(std::string_view order_id, std::string_view hold_id,
                         v1::HoldType type, EpochMillis at);
v1::HoldEvent HoldReleased(std::string_view order_id, std::string_view hold_id,
                           bool cancel_order, EpochMillis at);

// A help-desk contact about an order; `resolved_at` set (kNever: open)
// gives the same contact again, resolved.
v1::CustomerContact ContactRecord(std::string_view contact_id,
                                  std::string_view order_id,
                                  std::string_view customer_id,
                                  v1::ContactKind kind, EpochMillis received_at,
                                  EpochMillis resolved_at);
// WHERE_IS_MY_ORDER 40 %, LATE 20 %, DAMAGED 10 %, BILLING 10 %,
// WRONG_ITEM 8 %, MISSING_ITEM 7 %, OTHER 5 %.
v1::ContactKind DrawContactKind(Random& rng);

// The ERP's amendments: a new delivery address in the same country (the
// engine rejects it once the task is PACKED), or a service upgrade.
v1::OrderAmended AddressChange(const v1::OrderPlaced& order,
                               std::string_view amendment_id, EpochMillis at);
v1::OrderAmended ServiceUpgrade(std::string_view order_id,
                                std::string_view amendment_id,
                                v1::ServiceLevel level, EpochMillis at);

}  // namespace orderflow::workload

#endif  // ORDERFLOW_BENCH_WORKLOAD_MIX_H_
