// How stage-to-stage messages (allocation requests and results) travel,
// as a state machine that knows nothing of Kafka.
//
// While this process holds every partition of both stages, requests and
// results go straight from one stage to the other inside the transaction
// (kLocal) instead of through their topics and two more transactions. It
// may only start once nothing is left in those topics, or a message handed
// over directly could overtake one still there (a release before its
// reservation): on the assignment that gives it every partition the host
// pauses the public inputs (kDraining) and waits until its consumers have
// reached the end offsets the two topics had when none of its own messages
// was in flight. Losing any partition goes back to the topics (kTopics),
// resuming the public inputs if it was draining. Draining gives up after
// 30 s: messages keep going through the topics.
//
//   kTopics --(every partition held)--> kDraining --(ends reached)--> kLocal
//      ^                                    |                           |
//      +------(a partition lost, or 30 s)---+-----(a partition lost)----+
//
// The router also queues the messages handed over in the process, to be
// delivered first in first out (as engine/pipeline does). What the host
// must do to its consumers (pause or resume the public inputs) is what the
// transitions return; the messages for people go to `log`.
#ifndef ORDERFLOW_CONSUMERS_STAGE_ROUTER_H_
#define ORDERFLOW_CONSUMERS_STAGE_ROUTER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/stage_messages.h"

namespace orderflow {

class StageRouter {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Routing { kTopics, kDraining, kLocal };
  // What the host must do with the public inputs of both stages.
  enum class Inputs { kUnchanged, kPause, kResume };
  static constexpr std::chrono::seconds kGiveUpAfter{30};

  // The stage-to-stage topics by their Kafka names, with their partition
  // counts: requests to the inventory stage, results to the order stage.
  StageRouter(std::string requests_topic, int request_partitions,
              std::string results_topic, int result_partitions,
              std::ostream& log);

  Routing routing() const { return routing_; }
  bool local() const { return routing_ == Routing::kLocal; }
  bool IsInternalTopic(std::string_view kafka_name) const {
    return kafka_name == requests_topic_ || kafka_name == results_topic_;
  }
  const std::string& requests_topic() const { return requests_topic_; }
  const std::string& results_topic() const { return results_topic_; }

  // A stage's assignment changed: what its consumer reported of `topics`
  // (its Kafka names) no longer counts; `holds_everything` says whether
  // the process now holds every partition of both stages.
  Inputs OnAssignmentChanged(const std::vector<std::string>& topics,
                             bool holds_everything, Clock::time_point now);
  // One of ours was produced to a stage-to-stage topic: the ends to reach
  // are taken again once none of ours is in flight.
  void OnInternalProduced() { drain_targets_.clear(); }
  // A consumer reached the end of a partition at `offset`.
  void OnPartitionEnd(std::string_view topic, int32_t partition,
                      int64_t offset);
  // The consumers read from the committed offsets again: what they
  // reported no longer counts, what was queued is dropped, and draining
  // starts over (pausing the inputs again).
  Inputs OnRewind(bool holds_everything, Clock::time_point now);

  // While draining: gives up after kGiveUpAfter, or moves to kLocal once
  // the consumers have reached the ends. The ends are taken only while
  // none of ours is in flight (`ours_in_flight`: the open transaction
  // produced to a stage-to-stage topic), as `high_watermark` tells them
  // (nullopt: not known now, try again on the next round).
  using HighWatermark =
      std::function<std::optional<int64_t>(const std::string& topic, int32_t partition)>;
  Inputs TryFinishDraining(Clock::time_point now, bool ours_in_flight,
                           const HighWatermark& high_watermark);

  // In-process hand-over (kLocal only).
  void Queue(const StockRequest& m) { local_.emplace_back(m); }
  void Queue(const StockAnswer& m) { local_.emplace_back(m); }
  // Hands queued messages to `deliver` until none is left (delivering may
  // queue more), first in first out; returns how many.
  template <typename Deliver>
  int64_t DeliverQueued(Deliver&& deliver) {
    int64_t n = 0;
    while (!local_.empty()) {
      std::variant<StockRequest, StockAnswer> message = std::move(local_.front());
      local_.pop_front();
      ++n;
      deliver(message);
    }
    return n;
  }

 private:
  void ForgetEnds(const std::vector<std::string>& topics);
  Inputs StartDraining(Clock::time_point now);

  const std::string requests_topic_, results_topic_;
  const int request_partitions_, result_partitions_;
  std::ostream& log_;
  Routing routing_ = Routing::kTopics;
  Clock::time_point draining_since_{};
  using TopicPartitionKey = std::pair<std::string, int32_t>;
  // End offsets to reach (empty: to be taken when none of ours is in
  // flight), and the ends the consumers reported, per internal partition.
  std::map<TopicPartitionKey, int64_t, std::less<>> drain_targets_;
  std::map<TopicPartitionKey, int64_t, std::less<>> ends_seen_;
  std::deque<std::variant<StockRequest, StockAnswer>> local_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_STAGE_ROUTER_H_
