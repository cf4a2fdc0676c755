// The simulated shop's warehouses (rule 9): three in two countries, and
// the countries its customers live in. The ERP keeps stock at each of them
// and sends orders to every country; `orderflow demo` configures the
// engine with the same warehouses (SimulatedSourcing), so that what the
// ERP counts is what the engine sources from.
//
//   WH-MAN  Manchester, GB  serves GB and IE first   45 % of the stock
//   WH-BER  Berlin, DE      serves DE and AT first   35 %
//   WH-HAM  Hamburg, DE     serves DE and AT second  20 %
#ifndef ORDERFLOW_SIM_WAREHOUSES_H_
#define ORDERFLOW_SIM_WAREHOUSES_H_

#include <array>
#include <string_view>

#include "engine/sourcing_config.h"

namespace orderflow {

struct SimulatedWarehouse {
  std::string_view id;
  std::string_view country;  // where it stands
  int64_t rank;
  double stock_share;  // of every SKU's stock and receipts
};

inline constexpr std::array<SimulatedWarehouse, 3> kSimulatedWarehouses{{
    {"WH-MAN", "GB", 1, 0.45},
    {"WH-BER", "DE", 1, 0.35},
    {"WH-HAM", "DE", 2, 0.20},
}};

// Where an order is sent, and how often: the shop's customers.
struct SimulatedDestination {
  std::string_view country;
  double share;
  std::string_view city, postal_code, street;
};

inline constexpr std::array<SimulatedDestination, 4> kSimulatedDestinations{{
    {"GB", 0.45, "Manchester", "M1 1AA", "Market Street"},
    {"IE", 0.05, "Dublin", "D02 X285", "Grafton Street"},
    {"DE", 0.40, "Berlin", "10115", "Invalidenstrasse"},
    {"AT", 0.10, "Wien", "1010", "Kaerntner Strasse"},
}};

// Rule 9's configuration for these warehouses: each serves the countries
// of its own region first (GB and IE; DE and AT), by rank within them.
// Fulfilment stays ship_complete (the default): the demo shows an order
// leaving the warehouses once, complete, and its parcels as the warehouses
// packed them.
SourcingConfig SimulatedSourcing();

// The destination a uniform draw in [0, 1) falls on.
const SimulatedDestination& PickDestination(double uniform);

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_WAREHOUSES_H_
