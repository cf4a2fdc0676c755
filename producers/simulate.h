// `orderflow simulate erp`: the demo's ERP as a tool. It writes a seeded
// week (or any number of days) of orders, stock and cancellations as a
// replay file, in time order: the same seed, the same file. Feed it to
// `orderflow replay`, or split it by topic for `orderflow publish`.
#ifndef ORDERFLOW_PRODUCERS_SIMULATE_H_
#define ORDERFLOW_PRODUCERS_SIMULATE_H_

#include <ostream>

#include "producers/simulators.h"

namespace orderflow {

// Writes `days` of the ERP's records to `out`; returns how many.
int64_t SimulateErp(const ErpOptions& options, int days, std::ostream& out);

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_SIMULATE_H_
