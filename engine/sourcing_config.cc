#include "engine/sourcing_config.h"

#include <algorithm>
#include <tuple>

#include "engine/string_map.h"

namespace orderflow {

std::optional<WarehouseIndex> SourcingConfig::Find(std::string_view id) const {
  // Asked for every answer and every release: ids are short, compared
  // without a library call.
  for (size_t i = 0; i < warehouses.size(); ++i) {
    if (SameText(warehouses[i].id, id)) return static_cast<WarehouseIndex>(i);
  }
  return std::nullopt;
}

std::vector<WarehouseIndex> SourcingConfig::Preference(
    std::string_view country) const {
  std::vector<WarehouseIndex> order(warehouses.size());
  std::vector<bool> serves(warehouses.size());
  for (size_t i = 0; i < warehouses.size(); ++i) {
    order[i] = static_cast<WarehouseIndex>(i);
    const auto& c = warehouses[i].countries;
    serves[i] = !country.empty() && std::find(c.begin(), c.end(), country) != c.end();
  }
  std::sort(order.begin(), order.end(), [&](WarehouseIndex a, WarehouseIndex b) {
    const Warehouse& x = warehouses[a];
    const Warehouse& y = warehouses[b];
    return std::make_tuple(!serves[a], x.rank, std::string_view(x.id)) <
           std::make_tuple(!serves[b], y.rank, std::string_view(y.id));
  });
  return order;
}

}  // namespace orderflow
