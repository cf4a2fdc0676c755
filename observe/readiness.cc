#include "observe/readiness.h"

#include <algorithm>

#include "engine/text.h"
#include "nlohmann/json.hpp"

namespace orderflow {
namespace {

// Whole seconds, rounded down, for reasons people read.
int64_t WholeSeconds(Millis m) { return std::max<Millis>(m, 0) / 1000; }

const char* StateName(Readiness::State state) {
  switch (state) {
    case Readiness::State::kReady: return "ready";
    case Readiness::State::kStopping: return "stopping";
    case Readiness::State::kStarting: return "starting";
    case Readiness::State::kBusy: return "busy";
    case Readiness::State::kUnassigned: return "unassigned";
    case Readiness::State::kNotCommitting: return "not committing";
    case Readiness::State::kRestoring: return "restoring";
  }
  return "unknown";
}

Readiness NotReady(Readiness::State state, std::string reason) {
  Readiness r;
  r.state = state;
  r.reason = std::move(reason);
  return r;
}

std::string PartitionList(const std::vector<int>& partitions) {
  std::string list;
  for (int p : partitions) list += Cat(list.empty() ? "" : " ", p);
  return list;
}

}  // namespace

Readiness AssignmentReadiness(
    const std::map<std::string, StageAssignmentChange>& assignment) {
  using State = Readiness::State;
  // An unassigned stage first: until its group has assigned, what this
  // process will hold is not known.
  for (const auto& [stage, change] : assignment) {
    if (change.state != StageAssignment::kUnassigned) continue;
    return NotReady(
        State::kUnassigned,
        change.partitions.empty()
            ? Cat("unassigned: the ", stage, " stage's group has not "
                  "assigned it partitions yet (it is rebalancing)")
            : Cat("unassigned: the ", stage, " stage's partitions ",
                  PartitionList(change.partitions),
                  " were revoked; its next assignment has not come yet"));
  }
  for (const auto& [stage, change] : assignment) {
    if (change.state != StageAssignment::kRestoring) continue;
    return NotReady(State::kRestoring,
                    Cat("restoring: the ", stage, " stage restores partitions ",
                        PartitionList(change.partitions),
                        " from its changelog"));
  }
  return Readiness{State::kReady, ""};
}

ReadinessPolicy ReadinessPolicyFor(Millis commit_interval, Millis configured) {
  ReadinessPolicy p;
  p.commit_within =
      configured > 0 ? configured : std::max<Millis>(3 * commit_interval, Seconds(10));
  p.silent_within = std::min(p.commit_within,
                             std::max<Millis>(Seconds(5), p.commit_within / 2));
  return p;
}

Readiness DecideReadiness(const ReadinessPolicy& policy,
                          const LiveSnapshot* latest, bool stopping,
                          EpochMillis now) {
  using State = Readiness::State;
  if (stopping) {
    return NotReady(State::kStopping,
                    "stopping: finishing the last transaction and leaving the groups");
  }
  if (latest == nullptr) {
    return NotReady(State::kStarting,
                    "starting: checking the broker and the topics, no partition "
                    "assigned yet");
  }
  // Before silence: a long restore is told as such, not as `busy`.
  if (Readiness r = AssignmentReadiness(latest->host.assignment); !r.ready()) {
    return r;
  }
  const Millis silent = now - latest->wall_time;
  if (silent > policy.silent_within) {
    return NotReady(State::kBusy,
                    Cat("busy: the host has not reported for ", WholeSeconds(silent),
                        " s (restoring shards from their changelogs, rebalancing "
                        "or waiting for the broker)"));
  }
  const HostStats& h = latest->host;
  const bool holds_any = std::any_of(
      h.partitions.begin(), h.partitions.end(),
      [](const auto& stage) { return !stage.second.empty(); });
  if (!holds_any) {
    return NotReady(State::kUnassigned, "no assignment yet: no partition of either stage");
  }
  if (h.uncommitted_since > 0 && now - h.uncommitted_since > policy.commit_within) {
    const EpochMillis since = h.last_commit_at > 0 ? h.last_commit_at : h.started_at;
    return NotReady(
        State::kNotCommitting,
        Cat("no commit for ", WholeSeconds(now - since), " s: input has waited ",
            WholeSeconds(now - h.uncommitted_since), " s (limit ",
            WholeSeconds(policy.commit_within), " s)"));
  }
  return Readiness{State::kReady, ""};
}

std::string ReadinessJson(const Readiness& readiness, const LiveSnapshot* latest) {
  nlohmann::ordered_json j;
  j["ready"] = readiness.ready();
  if (!readiness.ready()) {
    j["state"] = StateName(readiness.state);
    j["reason"] = readiness.reason;
  } else if (latest != nullptr) {
    nlohmann::ordered_json partitions = nlohmann::ordered_json::object();
    for (const auto& [stage, held] : latest->host.partitions) partitions[stage] = held;
    j["partitions"] = partitions;
  }
  return j.dump() + "\n";
}

std::string ReadinessHistoryJson(const LiveSnapshot* latest) {
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  if (latest != nullptr) {
    std::map<std::string, StageAssignmentChange> assignment;
    for (const StageAssignmentChange& c : latest->host.assignment_changes) {
      assignment[c.stage] = c;
      const Readiness r = AssignmentReadiness(assignment);
      nlohmann::ordered_json j;
      j["at"] = c.at;
      j["stage"] = c.stage;
      j["state"] = StageAssignmentName(c.state);
      j["partitions"] = c.partitions;
      j["ready"] = r.ready();
      if (!r.ready()) {
        j["readiness"] = StateName(r.state);
        j["reason"] = r.reason;
      }
      changes.push_back(std::move(j));
    }
  }
  nlohmann::ordered_json body;
  body["changes"] = std::move(changes);
  return body.dump() + "\n";
}

}  // namespace orderflow
