// What an orchestrator asks a running `orderflow run` (Kubernetes probes,
// a load balancer's health check, systemd's watchdog scripts):
//
//   GET /healthz  200 {"alive":true}: the process answers HTTP (liveness;
//                 says nothing about Kafka)
//   GET /readyz   200 {"ready":true,...} when the host holds its restored
//                 partitions and commits in time; 503 with
//                 {"ready":false,"state":...,"reason":...} otherwise
//                 (readiness.h says which states and why)
//   GET /readyz/history  200 {"changes":[...]}: the latest changes of the
//                 stages' assignments (unassigned, restoring,
//                 restored), each
//                 with what /readyz said of them (ReadinessHistoryJson)
#ifndef ORDERFLOW_OBSERVE_HEALTH_H_
#define ORDERFLOW_OBSERVE_HEALTH_H_

#include <functional>

#include "observe/http_server.h"
#include "observe/live_metrics.h"
#include "observe/readiness.h"

namespace orderflow {

// Adds the routes to `server`. `board` must outlive it; `stopping` is
// asked on the server's thread (it must not block); `now` gives the wall
// clock (tests pass their own).
void ServeHealth(const MetricsBoard& board, ReadinessPolicy policy,
                 std::function<bool()> stopping, HttpServer& server,
                 std::function<EpochMillis()> now = nullptr);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_HEALTH_H_
