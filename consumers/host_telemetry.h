// What the Kafka host counts and tells: its own counters, the service
// metrics, dead letters and order timelines of committed transactions, the
// commit durations, the run report (the log, every 10 s and at the end)
// and the snapshots for the metrics board (about once a second).
//
// Counted on commit, dropped on abort: what each shard counts (service
// metrics), the dead letters by reason and the timeline entries of the
// open transaction join the totals when it commits (OnCommitted) and are
// dropped when it aborts or the shards are rebuilt (DropUncommitted): the
// records are processed, and counted, again. The host's own counters
// (inputs, outputs, ...) count everything handled, aborted or not.
#ifndef ORDERFLOW_CONSUMERS_HOST_TELEMETRY_H_
#define ORDERFLOW_CONSUMERS_HOST_TELEMETRY_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/hosted_stage.h"
#include "consumers/kafka_host.h"
#include "engine/service_metrics.h"
#include "observe/live_metrics.h"
#include "observe/stage_assignment.h"
#include "observe/timeline_feed.h"

namespace orderflow {

class OrderTimelines;

class HostTelemetry {
 public:
  using Clock = std::chrono::steady_clock;

  // `board` and `timelines` may be null (nothing published, no timelines);
  // with `event_time` the engine's time is the stages' clock, else the
  // wall clock. All must outlive the telemetry.
  HostTelemetry(MetricsBoard* board, OrderTimelines* timelines,
                bool event_time, EpochMillis started_at, Clock::time_point now,
                std::ostream& log);
  ~HostTelemetry();

  // The stages whose metrics and backlog count; they must outlive this.
  void AddStage(HostedStage* stage) { stages_.push_back(stage); }
  // The order partitions this process holds are now `partitions` (of
  // `partition_count`): the timelines keep only those partitions' orders,
  // so that an order whose partition went elsewhere is not answered from
  // a timeline that stopped (OrderTimelines::KeepOnly).
  void OnOrderPartitions(std::vector<int> partitions, int32_t partition_count);

  // A stage's assignment changed (observe/stage_assignment.h): kept for
  // the next snapshot, which the caller publishes at once (/readyz must
  // follow it).
  void OnStageAssignment(std::string_view stage, StageAssignment state,
                         std::vector<int> partitions, EpochMillis wall_now);

  HostCounters& counters() { return counters_; }
  const HostCounters& counters() const { return counters_; }

  // In the open transaction.
  void CountDeadLetter(const std::string& reason) { ++dead_letters_pending_[reason]; }
  // Where the open transaction's timeline entries go; null without
  // timelines.
  std::vector<TimelineFeed::Entry>* timeline_pending() {
    return feed_ != nullptr ? &timeline_pending_ : nullptr;
  }

  // The open transaction committed; it took `took_us` from its start.
  void OnCommitted(int64_t took_us);
  // The open transaction aborted, or the shards are rebuilt.
  void DropUncommitted();

  // The run report, every 10 s (or now, with `final`). Returns true when
  // no input came since the last report (then the host says where each
  // partition stands).
  bool Report(bool final, Clock::time_point now, int64_t undelivered);
  // A snapshot for the board, at most about once a second unless `force`.
  void Publish(bool force, Clock::time_point now, EpochMillis wall_now);
  // Returns when every committed timeline entry is recorded.
  void FlushTimelines();

 private:
  MetricsBoard* const board_;
  OrderTimelines* const timelines_;
  const bool event_time_;
  const EpochMillis started_at_;
  std::ostream& log_;
  std::vector<HostedStage*> stages_;

  HostCounters counters_;
  CommitDurations commit_durations_;  // of the commits that succeeded
  int64_t slowest_commit_us_ = 0;     // since the last report
  Clock::time_point last_report_;
  int64_t inputs_at_last_report_ = -1;
  int64_t input_wait_at_last_report_ = 0;
  Clock::time_point last_publish_{};  // the first loop publishes at once
  // Readiness facts (HostStats): inputs handled by the latest commit, and
  // the wall times first published with the latest commit and with input
  // still uncommitted.
  int64_t inputs_committed_ = 0;
  int64_t commits_published_ = 0;
  EpochMillis last_commit_at_ = 0;
  EpochMillis uncommitted_since_ = 0;

  // By stage name, and the latest changes (HostStats).
  std::map<std::string, StageAssignmentChange> assignment_;
  std::deque<StageAssignmentChange> assignment_changes_;

  ServiceMetrics committed_metrics_;
  std::map<std::string, int64_t> dead_letters_pending_, dead_letters_committed_;
  std::vector<TimelineFeed::Entry> timeline_pending_;
  // Records the timelines off the host's thread; null without timelines_.
  std::unique_ptr<TimelineFeed> feed_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOST_TELEMETRY_H_
