// Whether a running `orderflow run` should be sent work: the decision
// behind GET /readyz, made from the host's latest snapshot, without an
// engine or a broker.
//
// Ready means: the host's loop is running and reporting, it holds at least
// one partition and has restored it (a shard is restored inside the
// rebalance that assigns it, before the loop goes on, so a loop that
// reports again has restored everything it holds), and no input has waited
// uncommitted longer than `commit_within`. An idle process that holds its
// partitions stays ready: with nothing to commit, there is no commit to be
// late. Not ready, with one reason, otherwise:
//
//   stopping      SIGTERM or SIGINT came; the host is finishing its last
//                 transaction and leaving its groups
//   starting      the host has not published its first snapshot (it is
//                 still checking the broker and the topics)
//   busy          no snapshot for `silent_within`: the loop is inside a
//                 rebalance, restoring shards from their changelogs, or
//                 waiting for the broker
//   unassigned    the loop runs but no partition is assigned yet
//   not committing  input has waited uncommitted longer than `commit_within`
//
//   ReadinessPolicy policy = ReadinessPolicyFor(config.kafka.commit_interval,
//                                               config.observe.ready_commit_within);
//   Readiness r = DecideReadiness(policy, board.Latest().get(), stopping,
//                                 now_wall_ms);
//   r.ready ? 200 : 503, body ReadinessJson(r, ...)
#ifndef ORDERFLOW_OBSERVE_READINESS_H_
#define ORDERFLOW_OBSERVE_READINESS_H_

#include <string>

#include "engine/time.h"
#include "observe/live_metrics.h"

namespace orderflow {

struct ReadinessPolicy {
  // Longest an input may wait uncommitted while the process stays ready.
  Millis commit_within = Seconds(10);
  // Longest the host may go without publishing a snapshot (it publishes
  // about once a second) while the process stays ready.
  Millis silent_within = Seconds(5);
};

// `configured` when positive (http.ready_commit_within), else
// max(3 × commit interval, 10 s); silent_within is
// max(5 s, commit_within / 2), at most commit_within.
ReadinessPolicy ReadinessPolicyFor(Millis commit_interval, Millis configured);

struct Readiness {
  enum class State { kReady, kStopping, kStarting, kBusy, kUnassigned, kNotCommitting };
  State state = State::kStarting;
  // One line for people: empty when ready.
  std::string reason;

  bool ready() const { return state == State::kReady; }
};

// `latest` is the board's latest snapshot, null before the first; `now`
// the wall clock (the same clock as LiveSnapshot::wall_time).
Readiness DecideReadiness(const ReadinessPolicy& policy,
                          const LiveSnapshot* latest, bool stopping,
                          EpochMillis now);

// /readyz's body, one line:
//   {"ready":true,"partitions":{"order":[0,1],"inventory":[0]}}
//   {"ready":false,"state":"busy","reason":"..."}
std::string ReadinessJson(const Readiness& readiness, const LiveSnapshot* latest);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_READINESS_H_
