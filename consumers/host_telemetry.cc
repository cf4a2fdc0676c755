#include "consumers/host_telemetry.h"

#include <algorithm>

#include "engine/partitioner.h"
#include "observe/order_timeline.h"

namespace orderflow {
namespace {

int64_t MicrosBetween(HostTelemetry::Clock::time_point from,
                      HostTelemetry::Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

}  // namespace

HostTelemetry::HostTelemetry(MetricsBoard* board, OrderTimelines* timelines,
                             bool event_time, EpochMillis started_at,
                             Clock::time_point now, std::ostream& log)
    : board_(board),
      timelines_(timelines),
      event_time_(event_time),
      started_at_(started_at),
      log_(log),
      last_report_(now) {
  if (timelines_ != nullptr) feed_ = std::make_unique<TimelineFeed>(timelines_);
}

HostTelemetry::~HostTelemetry() = default;

void HostTelemetry::OnOrderPartitions(std::vector<int> partitions,
                                      int32_t partition_count) {
  if (timelines_ == nullptr) return;
  std::sort(partitions.begin(), partitions.end());
  timelines_->KeepOnly([partitions = std::move(partitions),
                        partition_count](std::string_view order_id) {
    return std::binary_search(partitions.begin(), partitions.end(),
                              PartitionOf(order_id, partition_count));
  });
}

void HostTelemetry::OnStageAssignment(std::string_view stage,
                                      StageAssignment state,
                                      std::vector<int> partitions,
                                      EpochMillis wall_now) {
  std::sort(partitions.begin(), partitions.end());
  StageAssignmentChange change{wall_now, std::string(stage), state,
                               std::move(partitions)};
  assignment_[change.stage] = change;
  assignment_changes_.push_back(std::move(change));
  while (assignment_changes_.size() > HostStats::kAssignmentChangesKept) {
    assignment_changes_.pop_front();
  }
}

void HostTelemetry::OnCommitted(int64_t took_us) {
  commit_durations_.Add(took_us);
  slowest_commit_us_ = std::max(slowest_commit_us_, took_us);
  ++counters_.commits;
  inputs_committed_ = counters_.inputs;
  if (feed_ != nullptr && !timeline_pending_.empty()) {
    timeline_pending_ = feed_->Add(std::move(timeline_pending_));
  }
  for (HostedStage* s : stages_) committed_metrics_.Merge(s->TakeMetrics());
  for (const auto& [reason, n] : dead_letters_pending_) {
    dead_letters_committed_[reason] += n;
  }
  dead_letters_pending_.clear();
}

void HostTelemetry::DropUncommitted() {
  timeline_pending_.clear();
  for (HostedStage* s : stages_) s->TakeMetrics();
  dead_letters_pending_.clear();
}

bool HostTelemetry::Report(bool final, Clock::time_point now,
                           int64_t undelivered) {
  if (!final && now - last_report_ < std::chrono::seconds(10)) return false;
  // How much of the time since the last report the loop waited for
  // records: near 0 % the engine is what limits the rate.
  const int64_t since_us = MicrosBetween(last_report_, now);
  const int64_t waited_us = counters_.input_wait_us - input_wait_at_last_report_;
  input_wait_at_last_report_ = counters_.input_wait_us;
  last_report_ = now;
  const int64_t slowest_commit_us = slowest_commit_us_;
  slowest_commit_us_ = 0;
  log_ << "run: " << counters_.inputs << " inputs, " << counters_.outputs
       << " outputs, " << counters_.commits << " commits ("
       << (counters_.commits > 0
               ? counters_.commit_wait_us / 1000 / counters_.commits
               : 0)
       << " ms each waiting for the broker; the slowest since the last "
          "report took "
       << slowest_commit_us / 1000 << " ms), " << counters_.aborts
       << " aborts, " << counters_.restored_records
       << " state records restored, " << counters_.internal
       << " stage-to-stage messages through Kafka and " << counters_.local
       << " in-process; waited for records "
       << (since_us > 0 ? std::min<int64_t>(100, waited_us * 100 / since_us) : 0)
       << " % of the time since the last report";
  if (undelivered > 0) log_ << ", " << undelivered << " records not delivered";
  log_ << "\n";
  const bool stalled = counters_.inputs == inputs_at_last_report_;
  inputs_at_last_report_ = counters_.inputs;
  return !final && stalled;
}

void HostTelemetry::Publish(bool force, Clock::time_point now,
                            EpochMillis wall_now) {
  if (board_ == nullptr) return;
  if (!force && now - last_publish_ < std::chrono::seconds(1)) return;
  last_publish_ = now;
  LiveSnapshot snapshot;
  snapshot.wall_time = wall_now;
  EpochMillis engine_time = 0;
  for (const HostedStage* s : stages_) {
    engine_time = std::max(engine_time, s->clock());
  }
  if (!event_time_) engine_time = snapshot.wall_time;
  snapshot.metrics.as_of = engine_time;
  if (timelines_ != nullptr) timelines_->Expire(engine_time);
  snapshot.metrics.metrics = committed_metrics_;
  for (const HostedStage* s : stages_) {
    s->CountBacklog(engine_time, snapshot.metrics.backlog);
  }
  HostStats& h = snapshot.host;
  h.started_at = started_at_;
  h.inputs = counters_.inputs;
  h.outputs = counters_.outputs;
  h.commits = counters_.commits;
  h.aborts = counters_.aborts;
  h.producer_rebuilds = counters_.producer_rebuilds;
  h.restored_records = counters_.restored_records;
  h.dead_letters = dead_letters_committed_;
  h.commit_durations = commit_durations_;
  for (const HostedStage* s : stages_) {
    h.partitions[std::string(s->name())] = s->partitions();
  }
  if (counters_.commits != commits_published_) {
    commits_published_ = counters_.commits;
    last_commit_at_ = wall_now;
  }
  if (counters_.inputs == inputs_committed_) {
    uncommitted_since_ = 0;
  } else if (uncommitted_since_ == 0) {
    uncommitted_since_ = wall_now;
  }
  h.assignment = assignment_;
  h.assignment_changes.assign(assignment_changes_.begin(),
                              assignment_changes_.end());
  h.last_commit_at = last_commit_at_;
  h.uncommitted_since = uncommitted_since_;
  board_->Publish(std::move(snapshot));
}

void HostTelemetry::FlushTimelines() {
  if (feed_ != nullptr) feed_->Flush();
}

}  // namespace orderflow
