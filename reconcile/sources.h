// Where `orderflow reconcile` reads its records from: a replay input and
// the replay's output (files), or the orders, invoices, shipments,
// order-status and delivery-tasks topics (Kafka).
#ifndef ORDERFLOW_RECONCILE_SOURCES_H_
#define ORDERFLOW_RECONCILE_SOURCES_H_

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/status.h"
#include "config/config_file.h"
#include "reconcile/reconcile.h"

namespace orderflow {

// What a read skipped, for the report's notes.
struct ReadCounts {
  int64_t records = 0;     // orders, invoices, shipments, statuses, tasks used
  int64_t unusable_input_lines = 0;  // lines replay would dead-letter
};

// A replay input (docs/contract.md, "Replay format"): its `orders`,
// `invoices` and `shipments` records are added; other topics and clock lines are skipped, and so
// are lines that replay cannot use (counted). Never fails.
ReadCounts ReadReplayInput(std::istream& in, ReconcileRecords* records);

// A replay output (`orderflow replay --output`): its `order-status` and
// `delivery-tasks` records are added, the other topics skipped. A line that is not a
// replay output record is an error naming `name` and the line number.
absl::Status ReadReplayOutput(std::istream& in, const std::string& name,
                              ReconcileRecords* records, ReadCounts* counts);

// The committed records (read_committed) of the orders, invoices,
// shipments, order-status and delivery-tasks topics of `config`, from the
// beginning of each partition to its end offset when the read starts.
// Fails when a topic is missing or the broker cannot be reached.
absl::Status ReadKafka(const Config& config, ReconcileRecords* records,
                       ReadCounts* counts);

}  // namespace orderflow

#endif  // ORDERFLOW_RECONCILE_SOURCES_H_
