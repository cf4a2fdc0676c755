// `orderflow demo`: the whole system in one process, with no external
// service. librdkafka's mock cluster stands in for Kafka; the same Kafka
// host as `orderflow run` runs both stages on it; an ERP simulator sends a
// seeded week of orders, stock and cancellations, and a shipping simulator
// turns delivery tasks into PICKED, PACKED, SHIPPED and DELIVERED (some
// late, some failed). Time is compressed: the simulated week passes in
// about a minute, and the engine runs on event time.
//
// While it runs, a line a second shows orders in, backlog, backorders and
// escalations, and the dashboard, /metrics and /api/metrics are served as
// by `orderflow run`; at the end a summary of the engine's service metrics
// (the numbers /api/metrics shows), checked for consistency, also against
// what came out on the topics. SIGINT or SIGTERM (`stop`) ends it early,
// cleanly.
//
// The mock cluster keeps aborted records visible and only the newest part
// of each log: fine for a demo, never for measuring (see KAFKA.md).
#ifndef ORDERFLOW_PRODUCERS_DEMO_H_
#define ORDERFLOW_PRODUCERS_DEMO_H_

#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>

namespace orderflow {

struct DemoOptions {
  int days = 7;             // simulated days
  int seconds = 60;         // wall-clock seconds they take
  int orders_per_day = 1500;
  uint64_t seed = 1;
  // Where the dashboard and metrics are served: host:port, port 0 for any
  // free one, "off" for none.
  std::string http_address = "127.0.0.1:9464";
  // A file holding the bearer token every HTTP request must carry;
  // required when http_address is not loopback (observe/http_token.h).
  std::string http_token_file;
  // After the summary, keep serving the dashboard until `stop`.
  bool keep_serving = false;
  // When not empty: the week is also written to this folder as replay
  // files, inputs.jsonl (every record the simulators sent) and
  // outputs.jsonl (every committed output), for `orderflow report`,
  // `orderflow reconcile` and `orderflow inspect --replay`.
  std::string save_dir;
};

// Returns the process exit status: 0 when the run completed (or was
// stopped) and its summary is consistent.
int RunDemo(const DemoOptions& options, const std::atomic<bool>& stop,
            std::ostream& out, std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_DEMO_H_
