// The metrics in Prometheus' text exposition format (0.0.4): what GET
// /metrics serves. Every family has a HELP and a TYPE line; names follow
// Prometheus' conventions (base units, counters end in _total, fractions
// end in _ratio). The values are those of /api/metrics (LiveToJson) for the
// same snapshot.
//
//   orderflow_orders_received_total                  counter
//   orderflow_orders_{accepted,rejected,allocated_without_backorder,
//     backordered,cancelled,shipped,delivered,delivered_on_time}_total
//   orderflow_delivery_failures_total                counter
//   orderflow_{accuracy,fill,backorder,cancellation,on_time_delivery}_ratio
//                                                    gauge, 0..1; left out
//                                                    while its denominator is 0
//   orderflow_order_cycle_time_seconds{stage="placed_to_shipped"|"placed_to_delivered"}
//                                                    summary: quantile 0.5,
//                                                    0.9, 0.99 (NaN while
//                                                    empty), _sum, _count
//   orderflow_backlog_orders{status="BACKORDERED",age="1d-3d"}   gauge
//   orderflow_escalations_raised_total{kind="..."}   counter (every kind)
//   orderflow_escalations_cleared_total{kind="..."}  counter
//   orderflow_engine_time_seconds                    gauge (the engine clock)
//   orderflow_start_time_seconds                     gauge (process start)
//   orderflow_input_records_total, orderflow_output_records_total,
//   orderflow_commits_total, orderflow_aborts_total,
//   orderflow_producer_rebuilds_total, orderflow_restored_state_records_total,
//   orderflow_dead_letters_total{reason="..."}       counters of the host
//   orderflow_commit_duration_seconds                histogram: le 0.005 ..
//                                                    5, +Inf; _sum, _count
//
// Counters count from the start of the process (see live_metrics.h).
#ifndef ORDERFLOW_OBSERVE_PROMETHEUS_H_
#define ORDERFLOW_OBSERVE_PROMETHEUS_H_

#include <string>
#include <string_view>

#include "observe/live_metrics.h"

namespace orderflow {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string RenderPrometheus(const LiveSnapshot& snapshot);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_PROMETHEUS_H_
