// `orderflow simulate erp` and `orderflow simulate shipping`: the demo's
// simulators as tools. The ERP writes a seeded week (or any number of
// days) of orders, stock, cancellations and (v1.1, ErpOptions::extensions)
// amendments and holds as a replay file in time order
// (the same seed, the same file), or publishes it to Kafka as time passes.
// The shipping simulator closes the loop on a running engine.
#ifndef ORDERFLOW_PRODUCERS_SIMULATE_H_
#define ORDERFLOW_PRODUCERS_SIMULATE_H_

#include <atomic>
#include <ostream>

#include "config/config_file.h"
#include "sim/erp.h"
#include "sim/shipping.h"

namespace orderflow {

// Writes `days` of the ERP's records to `out`; returns how many.
int64_t SimulateErp(const ErpOptions& options, int days, std::ostream& out);

// Publishes `days` of the ERP's records to the configuration's Kafka as
// time passes: simulated time starts now and runs `speed` times as fast as
// the wall clock. Returns the exit status.
int SimulateErpToKafka(const Config& config, ErpOptions options, int days,
                       double speed, const std::atomic<bool>& stop,
                       std::ostream& err);

// `orderflow simulate shipping`: consumes delivery tasks (its own consumer
// group, read_committed) and publishes PICKED, PACKED, SHIPPED and
// DELIVERED (or DELIVERY_FAILED, then DELIVERED a day later) for each, as
// simulated time reaches them; honours CANCEL tasks. Simulated time is the
// wall clock sped up `speed` times, and never behind the newest task's
// createdAt. Runs until `stop`, or for `seconds` when that is > 0. With
// options.parcels (v1.1) it also works task by task (HOLD, RELEASE,
// UPDATE), ships parcels with lines, and a help desk sends the customer
// contacts that what happened gives reason to (sim/help_desk.h).
int SimulateShipping(const Config& config, const ShippingOptions& options,
                     double speed, int seconds, const std::atomic<bool>& stop,
                     std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_SIMULATE_H_
