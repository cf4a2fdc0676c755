// The metrics of a running engine, handed from the host's loop to whoever
// shows them (the HTTP server's threads).
//
// The host loop is single-threaded and owns the counting: it folds each
// order shard's ServiceMetrics into its totals when a transaction commits
// (what was counted in an aborted transaction is dropped, and counted again
// when its records are processed again), and about once a second publishes
// an immutable LiveSnapshot to a MetricsBoard. Readers take the latest
// snapshot (a shared pointer: no copy, no lock while rendering) and the
// history of samples kept for the charts.
//
// Counters are per process lifetime, as Prometheus expects: a restarted
// process starts again from zero (`startedAt` tells when), and the
// backlog is always the picture of the orders the process holds now.
//
//   MetricsBoard board;
//   host loop:    board.Publish(snapshot);            // ~1/s
//   HTTP threads: std::shared_ptr<const LiveSnapshot> s = board.Latest();
//                 std::vector<HistorySample> h = board.History();
#ifndef ORDERFLOW_OBSERVE_LIVE_METRICS_H_
#define ORDERFLOW_OBSERVE_LIVE_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/service_metrics.h"
#include "engine/time.h"
#include "nlohmann/json.hpp"
#include "observe/metrics_json.h"
#include "observe/stage_assignment.h"

namespace orderflow {

// How long the host's commits took, from the start of the commit (the
// last state records written, the input offsets sent) to the broker's
// answer: the part of an output's latency after the wait for the commit
// interval. A Prometheus histogram: a count per bucket of upper bounds.
struct CommitDurations {
  static constexpr std::array<Millis, 10> kUpperBounds = {
      5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
  // counts[i]: commits that took at most kUpperBounds[i] and more than the
  // bound before; counts.back(): those that took longer than the last.
  std::array<int64_t, kUpperBounds.size() + 1> counts{};
  int64_t total_us = 0;
  int64_t count = 0;

  void Add(int64_t micros);
  // Commits that took at most kUpperBounds[i] (i = size: all of them).
  int64_t AtMost(size_t i) const;
  // kUpperBounds[i] in seconds; infinity for i = size (every commit).
  static double UpperBoundSeconds(size_t i);
  double TotalSeconds() const { return static_cast<double>(total_us) / 1e6; }
};

// What the host itself did (not the engine's decisions). Records handled
// in a transaction that was later aborted count here too (they are handled
// again); dead letters count only once committed, like the service metrics.
struct HostStats {
  EpochMillis started_at = 0;  // wall clock, when the process started
  int64_t inputs = 0;          // records consumed and applied
  int64_t outputs = 0;         // public records produced
  int64_t commits = 0;
  int64_t aborts = 0;
  int64_t producer_rebuilds = 0;
  int64_t restored_records = 0;  // changelog records read back
  std::map<std::string, int64_t> dead_letters;  // by reason, committed
  CommitDurations commit_durations;
  // For readiness (observe/readiness.h), not shown in the metrics: the
  // partitions whose shards the host holds, by stage name ("order",
  // "inventory"); the wall time of the first snapshot that saw the latest
  // commit (0: none yet); and the wall time of the first snapshot that saw
  // input not yet committed (0: everything handled is committed).
  std::map<std::string, std::vector<int>> partitions;
  EpochMillis last_commit_at = 0;
  EpochMillis uncommitted_since = 0;
  // Also for readiness: by stage name, its assignment's latest change (no
  // entry before the stage's first rebalance event), and the latest
  // changes of both, oldest first (at most kAssignmentChangesKept), which
  // GET /readyz/history shows.
  static constexpr size_t kAssignmentChangesKept = 64;
  std::map<std::string, StageAssignmentChange> assignment;
  std::vector<StageAssignmentChange> assignment_changes;
};

// One moment of a running engine; never changed once published.
struct LiveSnapshot {
  EpochMillis wall_time = 0;  // when it was taken
  MetricsSnapshot metrics;    // committed service metrics, backlog as of then
  HostStats host;
};

// What the charts over time need of one snapshot.
struct HistorySample {
  EpochMillis wall_time = 0;
  EpochMillis as_of = 0;  // engine time
  ServiceSummary::Percentiles placed_to_shipped, placed_to_delivered;
  std::array<int64_t, kOpenStatuses.size()> backlog_by_status{};
  std::array<int64_t, kAgeBuckets> backlog_by_age{};
  int64_t received = 0;
};
HistorySample SampleOf(const LiveSnapshot& snapshot);

class MetricsBoard {
 public:
  struct Options {
    // One history sample per this much wall time at first; when the ring
    // is full, every other sample is dropped and the interval doubles, so
    // the history always spans the whole run in at most `capacity` samples.
    Millis sample_every = Seconds(2);
    size_t capacity = 300;
  };
  MetricsBoard() : MetricsBoard(Options{}) {}
  explicit MetricsBoard(Options options) : options_(options) {
    interval_ = options_.sample_every;
  }

  // Replaces the latest snapshot; adds a history sample when the interval
  // has passed since the last one (by the snapshot's wall_time).
  void Publish(LiveSnapshot snapshot);
  // Null until the first Publish.
  std::shared_ptr<const LiveSnapshot> Latest() const;
  // Oldest first; the latest snapshot is always the last sample.
  std::vector<HistorySample> History() const;

 private:
  const Options options_;
  mutable std::mutex mu_;
  std::shared_ptr<const LiveSnapshot> latest_;
  std::vector<HistorySample> history_;  // samples taken at interval_
  std::optional<HistorySample> newest_;  // the latest, if not in history_
  Millis interval_;
};

// /api/metrics: MetricsToJson's object, plus
//   "host": {"startedAt", "inputs", "outputs", "commits", "aborts",
//            "producerRebuilds", "restoredRecords", "deadLetters": {reason: n},
//            "commitSeconds": {"count", "sum",
//                              "atMost": [{"le": seconds, "commits": n}, ...]}}
//            (atMost cumulative, as Prometheus' buckets; the last le is null:
//            every commit)
//   "history": [{"at", "asOf", "received",
//                "placedToShipped": {"p50","p90","p99"}, "placedToDelivered": {...},
//                "backlogByStatus": {...}, "backlogByAge": {...}}, ...]
// Durations in seconds (null when there is no sample yet), times as
// FormatTime text.
nlohmann::ordered_json LiveToJson(const LiveSnapshot& snapshot,
                                  const std::vector<HistorySample>& history);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_LIVE_METRICS_H_
