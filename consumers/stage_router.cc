#include "consumers/stage_router.h"

namespace orderflow {

StageRouter::StageRouter(std::string requests_topic, int request_partitions,
                         std::string results_topic, int result_partitions,
                         std::ostream& log)
    : requests_topic_(std::move(requests_topic)),
      results_topic_(std::move(results_topic)),
      request_partitions_(request_partitions),
      result_partitions_(result_partitions),
      log_(log) {}

void StageRouter::ForgetEnds(const std::vector<std::string>& topics) {
  for (const std::string& topic : topics) {
    for (auto it = ends_seen_.begin(); it != ends_seen_.end();) {
      it = it->first.first == topic ? ends_seen_.erase(it) : std::next(it);
    }
  }
}

StageRouter::Inputs StageRouter::StartDraining(Clock::time_point now) {
  routing_ = Routing::kDraining;
  draining_since_ = now;
  drain_targets_.clear();
  return Inputs::kPause;
}

StageRouter::Inputs StageRouter::OnAssignmentChanged(
    const std::vector<std::string>& topics, bool holds_everything,
    Clock::time_point now) {
  ForgetEnds(topics);
  if (!holds_everything) {
    if (routing_ != Routing::kTopics) {
      log_ << "run: stage-to-stage messages go through their topics\n";
    }
    // Draining paused the public inputs: what is still assigned of them
    // must be read again.
    const bool was_draining = routing_ == Routing::kDraining;
    routing_ = Routing::kTopics;
    return was_draining ? Inputs::kResume : Inputs::kUnchanged;
  }
  return StartDraining(now);
}

void StageRouter::OnPartitionEnd(std::string_view topic, int32_t partition,
                                 int64_t offset) {
  if (!IsInternalTopic(topic)) return;
  ends_seen_[{std::string(topic), partition}] = offset;
}

StageRouter::Inputs StageRouter::OnRewind(bool holds_everything,
                                          Clock::time_point now) {
  local_.clear();
  ends_seen_.clear();  // the consumers read from the committed offsets again
  if (routing_ != Routing::kDraining) return Inputs::kUnchanged;
  return OnAssignmentChanged({}, holds_everything, now);
}

StageRouter::Inputs StageRouter::TryFinishDraining(
    Clock::time_point now, bool ours_in_flight,
    const HighWatermark& high_watermark) {
  if (routing_ != Routing::kDraining) return Inputs::kUnchanged;
  if (now - draining_since_ > kGiveUpAfter) {
    log_ << "run: the stage-to-stage topics did not drain in "
         << kGiveUpAfter.count() << " s; their messages keep going "
         << "through them\n";
    routing_ = Routing::kTopics;
    return Inputs::kResume;
  }
  if (drain_targets_.empty()) {
    // Only once none of ours is in flight (uncommitted, maybe not even
    // sent): then the ends now are all there is to read. Producing one
    // clears the targets.
    //
    // The ends are the high watermarks, with the records of transactions
    // whose commit markers are not written yet: the coordinator answers a
    // commit before it writes them, so the last stable offset (what a
    // read_committed client is told) may still stop short of the
    // transaction just committed. The consumers' end-of-partition events
    // come at the last stable offset, which reaches the high watermark
    // once the markers are written.
    if (ours_in_flight) return Inputs::kUnchanged;
    const std::pair<const std::string*, int> internal[] = {
        {&requests_topic_, request_partitions_},
        {&results_topic_, result_partitions_}};
    for (const auto& [topic, partitions] : internal) {
      for (int p = 0; p < partitions; ++p) {
        const std::optional<int64_t> high = high_watermark(*topic, p);
        if (!high) {
          drain_targets_.clear();  // try again on the next round
          return Inputs::kUnchanged;
        }
        drain_targets_[{*topic, p}] = *high;
      }
    }
  }
  for (const auto& [tp, target] : drain_targets_) {
    const auto seen = ends_seen_.find(tp);
    if (target > 0 && (seen == ends_seen_.end() || seen->second < target)) {
      return Inputs::kUnchanged;
    }
  }
  routing_ = Routing::kLocal;
  log_ << "run: this process holds every partition of both stages: "
          "stage-to-stage messages now stay in it\n";
  return Inputs::kResume;
}

}  // namespace orderflow
