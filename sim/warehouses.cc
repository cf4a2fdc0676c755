#include "sim/warehouses.h"

#include <string>

namespace orderflow {

SourcingConfig SimulatedSourcing() {
  SourcingConfig sourcing;
  for (const SimulatedWarehouse& w : kSimulatedWarehouses) {
    Warehouse& warehouse = sourcing.warehouses.emplace_back();
    warehouse.id = std::string(w.id);
    warehouse.rank = w.rank;
    if (w.country == "GB") {
      warehouse.countries = {"GB", "IE"};
    } else {
      warehouse.countries = {"DE", "AT"};
    }
  }
  return sourcing;
}

const SimulatedDestination& PickDestination(double uniform) {
  for (const SimulatedDestination& d : kSimulatedDestinations) {
    if (uniform < d.share) return d;
    uniform -= d.share;
  }
  return kSimulatedDestinations.back();
}

}  // namespace orderflow
