// Where each stage's partition assignment stands, as the Kafka host tells
// it for readiness (observe/readiness.h): the two stages rebalance as two
// consumer groups, each on its own, so a process may hold partitions of
// one stage while the other's are taken away and given again.
//
//   unassigned the stage has subscribed and its group's first assignment
//              has not come yet, or its partitions were taken away
//              (revoked, lost, its member fenced) and the next one has
//              not come yet
//   restoring  an assignment came; the shards it gives are being restored
//              from their changelogs
//   restored   every shard of the assignment is restored (an assignment
//              of no partition is restored at once)
//
// A stage that has not subscribed yet has no entry at all.
#ifndef ORDERFLOW_OBSERVE_STAGE_ASSIGNMENT_H_
#define ORDERFLOW_OBSERVE_STAGE_ASSIGNMENT_H_

#include <string>
#include <vector>

#include "engine/time.h"

namespace orderflow {

enum class StageAssignment { kUnassigned, kRestoring, kRestored };

inline const char* StageAssignmentName(StageAssignment a) {
  switch (a) {
    case StageAssignment::kUnassigned: return "unassigned";
    case StageAssignment::kRestoring: return "restoring";
    case StageAssignment::kRestored: return "restored";
  }
  return "unknown";
}

// One change of a stage's assignment.
struct StageAssignmentChange {
  EpochMillis at = 0;     // wall clock
  std::string stage;      // "order", "inventory"
  StageAssignment state = StageAssignment::kRestored;
  // Unassigned: the partitions taken away (none before the first
  // assignment); restoring: those being restored
  // (the assignment's new ones); restored: every partition now held.
  std::vector<int> partitions;
};

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_STAGE_ASSIGNMENT_H_
