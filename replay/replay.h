// `orderflow replay`: the engine fed from a JSON Lines file (docs/contract.md,
// "Replay format"), its outputs written as JSON Lines in the same
// envelope. Deterministic to the byte: the same input and configuration
// always give the same output.
//
// A line that cannot be used is reported on `diagnostics` with its line
// number and becomes a dead-letter record (offset = line number); the run
// goes on.
#ifndef ORDERFLOW_REPLAY_REPLAY_H_
#define ORDERFLOW_REPLAY_REPLAY_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "engine/config.h"

namespace orderflow {

class OrderTimelines;

struct ReplayStats {
  int64_t lines = 0;
  int64_t records = 0;
  int64_t clock_lines = 0;
  int64_t bad_lines = 0;
  int64_t status_changes = 0;
  int64_t tasks = 0;
  int64_t escalations = 0;
  int64_t dead_letters = 0;
  int64_t amendment_results = 0;  // rule 11
  double seconds = 0;

  // "replay: 12 lines (10 records, 1 clock, 1 bad) -> 25 outputs: ..."
  std::string Summary() const;
};

struct ReplayOptions {
  // Write a progress line now and then (meant for a terminal).
  bool show_progress = false;
  // When set, the service metrics at the end of the run are written here
  // as JSON (observe/metrics_json.h), as of the final engine clock.
  std::ostream* metrics = nullptr;
  // When set, every input record and every output is recorded here
  // (observe/order_timeline.h), for `orderflow inspect`.
  OrderTimelines* timelines = nullptr;
};

ReplayStats RunReplay(const EngineConfig& config, std::istream& in,
                      std::ostream& out, std::ostream& diagnostics,
                      const ReplayOptions& options = {});

}  // namespace orderflow

#endif  // ORDERFLOW_REPLAY_REPLAY_H_
