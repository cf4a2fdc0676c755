// Rule 9's configuration (the `sourcing:` section): the warehouses stock
// is kept at and how an order's lines are sourced from them.
//
// No warehouses configured means one default warehouse "" and v1
// behaviour: stock pooled per SKU, an order asking once per distinct SKU,
// one task "<orderId>/delivery". With warehouses, stock is kept per (SKU,
// warehouse), each line is reserved at one warehouse in the order's
// preference order (Preference below), and each warehouse's lines go in
// their own task.
#ifndef ORDERFLOW_ENGINE_SOURCING_CONFIG_H_
#define ORDERFLOW_ENGINE_SOURCING_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"

#include "engine/time.h"

namespace orderflow {

struct Warehouse {
  std::string id;  // non-empty, unique
  int64_t rank = 0;  // lower first
  // ISO country codes whose orders prefer this warehouse.
  std::vector<std::string> countries;
};

// An index into SourcingConfig::warehouses.
using WarehouseIndex = uint16_t;
// A few warehouses (those a request touched, say), in place up to four:
// made for single requests, so kept off the heap.
using WarehouseList = absl::InlinedVector<WarehouseIndex, 4>;
inline constexpr size_t kMaxWarehouses = 1000;

struct SourcingConfig {
  enum class Fulfilment {
    kShipComplete,   // tasks only when every line is reserved
    kShipAvailable,  // a warehouse's task as soon as its lines are reserved
  };
  std::vector<Warehouse> warehouses;  // empty: the default warehouse only
  Fulfilment fulfilment = Fulfilment::kShipComplete;
  bool split_lines = false;
  bool preempt = false;
  Millis preempt_min_slack = Hours(48);

  // Whether stock is kept per warehouse (any warehouse configured).
  bool sourced() const { return !warehouses.empty(); }
  // The warehouse named `id`, if configured.
  std::optional<WarehouseIndex> Find(std::string_view id) const;
  // Every warehouse, in the preference order of an order shipping to
  // `country`: those whose countries include it first, each group by
  // rank, then id.
  std::vector<WarehouseIndex> Preference(std::string_view country) const;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SOURCING_CONFIG_H_
