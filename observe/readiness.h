// Whether a running `orderflow run` should be sent work: the decision
// behind GET /readyz, made from the host's latest snapshot, without an
// engine or a broker.
//
// Ready means: the host's loop is running and reporting, it holds at least
// one partition and has restored it (a shard is restored inside the
// rebalance that assigns it, before the loop goes on, so a loop that
// reports again has restored everything it holds), each stage's latest
// assignment is restored (none is between a revocation and its next), and no input has
// waited uncommitted longer than `commit_within`. An idle process that
// holds its partitions stays ready: with nothing to commit, there is no
// commit to be late. Not ready, with one reason, otherwise:
//
//   stopping      SIGTERM or SIGINT came; the host is finishing its last
//                 transaction and leaving its groups
//   starting      the host has not published its first snapshot (it is
//                 still checking the broker and the topics)
//   unassigned    a stage's group has not assigned it yet: not since the
//                 host subscribed, or not since its partitions were revoked
//                 (stage_assignment.h), even while the other stage holds
//                 its own: the group is rebalancing, and the partitions
//                 this process will hold are not known yet
//   restoring     a stage's new assignment is being restored from the
//                 changelogs (from the moment it came, however long it
//                 takes, where `busy` would say only that the host is
//                 silent)
//   busy          no snapshot for `silent_within`: the loop is inside a
//                 rebalance, restoring shards from their changelogs, or
//                 waiting for the broker
//   unassigned    the loop runs but no partition is assigned yet (or, as
//                 above, a stage's were revoked)
//   not committing  input has waited uncommitted longer than `commit_within`
//
//   ReadinessPolicy policy = ReadinessPolicyFor(config.kafka.commit_interval,
//                                               config.observe.ready_commit_within);
//   Readiness r = DecideReadiness(policy, board.Latest().get(), stopping,
//                                 now_wall_ms);
//   r.ready ? 200 : 503, body ReadinessJson(r, ...)
#ifndef ORDERFLOW_OBSERVE_READINESS_H_
#define ORDERFLOW_OBSERVE_READINESS_H_

#include <map>
#include <string>

#include "engine/time.h"
#include "observe/live_metrics.h"
#include "observe/stage_assignment.h"

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
  enum class State {
    kReady, kStopping, kStarting, kBusy, kUnassigned, kNotCommitting, kRestoring
  };
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

// What the stages' assignments alone say (HostStats::assignment, by
// stage): ready when every stage that has one is restored; else unassigned
// when a stage is unassigned, restoring when one restores.
Readiness AssignmentReadiness(
    const std::map<std::string, StageAssignmentChange>& assignment);

// /readyz's body, one line:
//   {"ready":true,"partitions":{"order":[0,1],"inventory":[0]}}
//   {"ready":false,"state":"busy","reason":"..."}
std::string ReadinessJson(const Readiness& readiness, const LiveSnapshot* latest);

// GET /readyz/history's body: the latest assignment changes the host
// published (HostStats::assignment_changes), oldest first, each with what
// the assignments then said (AssignmentReadiness over the changes kept,
// up to and with it), so that a rebalance too short for anyone to poll
// /readyz during it can still be seen to have made it 503:
//   {"changes":[{"at":1772409600000,"stage":"order","state":"unassigned",
//                "partitions":[0,2],"ready":false,"readiness":"unassigned",
//                "reason":"..."}, ...]}
std::string ReadinessHistoryJson(const LiveSnapshot* latest);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_READINESS_H_
