// What a running engine serves over HTTP about its metrics:
//
//   GET /metrics       Prometheus text (prometheus.h)
//   GET /api/metrics   the metrics as JSON with host counters and history
//                      (LiveToJson in live_metrics.h)
//   GET /api/orders/<id>  one order's state and timeline (ServeOrders,
//                      order_timeline.h), 404 when it is not known; with
//                      `orderflow run`, any order of the cluster, read
//                      from Kafka when this process has not seen all of
//                      it (order_history.h)
//   GET /api/escalations?kind=&level=&limit=  the team lead's worklist:
//                      the open escalations this process raised, highest
//                      level first, then oldest (escalation_worklist.h)
//   GET /              the live dashboard (observe/dashboard/: one HTML,
//                      two JS (the metrics; the worklist and the order
//                      page), one CSS, and Chart.js as /vendor/chart.js),
//                      compiled into the binary at build time
//
// Before the host's first snapshot the metric routes answer 503. With a
// token (HttpAccess), every route answers 401 without it (http_token.h).
#ifndef ORDERFLOW_OBSERVE_DASHBOARD_H_
#define ORDERFLOW_OBSERVE_DASHBOARD_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"

#include "observe/escalation_worklist.h"
#include "observe/http_server.h"
#include "observe/live_metrics.h"
#include "observe/order_timeline.h"

namespace orderflow {

// Adds the routes above to `server`; `board` must outlive it.
void ServeMetrics(const MetricsBoard& board, HttpServer& server);

// Adds GET /api/orders/<id> to `server` (HandleOrderRequest: from
// `timelines`, or from `history` when they do not keep the order whole);
// `timelines` must outlive it.
void ServeOrders(const OrderTimelines& timelines, HttpServer& server,
                 OrderHistorySource history = nullptr);

// Adds GET /api/escalations (HandleEscalationsRequest) to `server`;
// `worklist` must outlive it.
void ServeEscalations(const EscalationWorklist& worklist, HttpServer& server);

// Who may ask the server (http_token.h), and where that was configured,
// for the messages at start: "orderflow.yaml:57:12: http.address",
// "--http-token-file".
struct HttpAccess {
  std::string token_file;  // empty: no token
  std::string address_origin = "http.address";
  std::string token_file_origin = "http.token_file";
};

// ServeMetrics, then server.Start(address); "off" starts nothing (and
// returns OK: check server.running()). Fails with one line when the
// address is malformed or cannot be bound, when the token file cannot be
// read or is empty, or when the address is not loopback and there is no
// token file. With a token file, every request must carry its token.
absl::Status StartMetricsServer(std::string_view address,
                                const MetricsBoard& board, HttpServer& server,
                                const HttpAccess& access = {});

// The dashboard's files as embedded by the build (generated code).
struct DashboardAsset {
  const char* path;  // "/", "/dashboard.js", ...
  const unsigned char* data;
  size_t size;
};
std::span<const DashboardAsset> DashboardAssets();

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_DASHBOARD_H_
