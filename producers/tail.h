// `orderflow tail`: any orderflow topic decoded to JSON Lines, reading only
// committed records. One line per record, in the replay envelope plus the
// record's partition and offset:
//
//   {"topic":"order-status","key":"O-1","timestamp":"...","partition":0,
//    "offset":12,"value":{...}}
//
// Without `follow` it stops at the end of every partition: from the start,
// at the high watermark each had when it started (so that a transaction
// committed before it started is all there, even while its commit markers
// are still being written), giving up on a partition where an open
// transaction holds it back for 10 s; with --from-end, at the first end.
// With `follow` it waits for new records until `stop`.
#ifndef ORDERFLOW_PRODUCERS_TAIL_H_
#define ORDERFLOW_PRODUCERS_TAIL_H_

#include <atomic>
#include <ostream>
#include <string>

#include "config/config_file.h"

namespace orderflow {

struct TailOptions {
  // A public topic's short name (order-status, orders, ...) or an internal
  // one (allocation-requests, allocation-results, order-stage-changelog,
  // inventory-stage-changelog).
  std::string topic;
  bool follow = false;
  bool from_end = false;  // only records that arrive from now on
};

// Returns the process exit status.
int Tail(const Config& config, const TailOptions& options,
         const std::atomic<bool>& stop, std::ostream& out, std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_TAIL_H_
