// The service metrics as JSON: what /api/metrics serves, what
// `orderflow replay --metrics` writes, and what the dashboard and the
// weekly report read. Keys are lowerCamelCase like the protobuf JSON of
// the topics; durations are in seconds; rates are fractions (0..1), null
// when their denominator is zero; keys come in a fixed order, so equal
// metrics give equal text.
//
//   {"asOf": "2026-03-07T00:00:00Z",
//    "orders": {"received": 10, "accepted": 9, ...},
//    "rates": {"accuracy": 0.9, "fill": ..., "onTime": null, ...},
//    "cycleTimeSeconds": {"placedToShipped": {"count": 4, "p50": 7200, ...}, ...},
//    "backlog": {"total": 3, "byStatus": {...}, "byAge": {...}, "byStatusAndAge": {...}},
//    "escalations": {"raised": {...}, "cleared": {...}, "open": {...},
//                    "topKinds": [{"kind": "SHIP_DEADLINE_MISSED", "raised": 4}, ...]},
//    "amendments": {"applied": 2, "rejected": 1},
//    "shipments": {"shippingStarted": 5, "split": 1},
//    "holds": {"open": {"PAYMENT": 1, ...}, "placed": {...}, "released": {...},
//              "timeOnHoldSeconds": {"PAYMENT": {"count": 2, "p50": 3600, ...}, ...}},
//    "contacts": {"total": 3, "per100Orders": 30, "byKind": {...},
//                 "per100OrdersByKind": {...}, "byRootCause": {...},
//                 "per100OrdersByRootCause": {...}}}
// ("rates" has "splitShipment" too; every hold type, contact kind and
// root cause is listed, with 0 when none.)
#ifndef ORDERFLOW_OBSERVE_METRICS_JSON_H_
#define ORDERFLOW_OBSERVE_METRICS_JSON_H_

#include "engine/service_metrics.h"
#include "engine/time.h"
#include "nlohmann/json.hpp"

namespace orderflow {

// The metrics at one moment: counted so far, and the backlog as of then.
struct MetricsSnapshot {
  EpochMillis as_of = 0;  // engine time
  ServiceMetrics metrics;
  Backlog backlog;
};

nlohmann::ordered_json MetricsToJson(const MetricsSnapshot& snapshot);

// {"p50": s, "p90": s, "p99": s}: seconds, null where there is no sample.
nlohmann::ordered_json PercentilesJson(
    const ServiceSummary::Percentiles& percentiles);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_METRICS_JSON_H_
