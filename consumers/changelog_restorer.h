// Rebuilding a stage's shards from their changelog partitions.
//
// A shard is rebuilt before it sees a record: on assignment, and after an
// abort or a producer rebuild (the transaction loop's rewind), so that
// in-memory state never keeps what Kafka threw away. The restorer reads
// each partition from its beginning to its end (read_committed: only what
// committed transactions wrote) and hands every record to the stage.
//
// The end is the partition's high watermark when the restore starts, not
// the first end-of-partition event: a broker answers a commit before it
// writes the transaction's markers, and until they are written a
// read_committed reader's end (the last stable offset) stops short of the
// transaction just committed. The stage's consumers resume after that
// transaction (their committed offsets are fetched only once stable), so a
// shard rebuilt without its state records would lose them for good: a
// rewind right after a commit (the next transaction aborted) is the case.
// The wait is bounded (kMarkerWaitMs).
#ifndef ORDERFLOW_CONSUMERS_CHANGELOG_RESTORER_H_
#define ORDERFLOW_CONSUMERS_CHANGELOG_RESTORER_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "consumers/hosted_stage.h"
#include "kafka/kafka_env.h"

namespace orderflow {

class ChangelogRestorer {
 public:
  static constexpr int kRestoreTimeoutMs = 120000;
  // How long a partition's stable end may stay short of its high watermark
  // before the restore takes it as it is. A broker writes a commit's
  // markers within milliseconds; what it leaves unstable for longer is a
  // transaction left open by a process that stopped, which nobody commits
  // (its coordinator aborts it after the transaction timeout, a minute).
  static constexpr int kMarkerWaitMs = 5000;

  // `consumer` is never subscribed, only assigned, and must report each
  // partition's end (ConsumerOptions::partition_eof). `ends` (read
  // uncommitted) is asked for the high watermarks. `ends`, `env` (its
  // clock) and `log` must outlive the restorer.
  ChangelogRestorer(std::unique_ptr<StageConsumer> consumer,
                    StageConsumer& ends, KafkaEnv& env, std::ostream& log)
      : consumer_(std::move(consumer)), ends_(ends), env_(env), log_(log) {}

  // Applies every record of `partitions` of `changelog_topic` up to their
  // high watermarks (as they are when called; see kMarkerWaitMs) to the
  // stage's shards (which must exist) and returns how many it applied;
  // DeadlineExceeded after kRestoreTimeoutMs.
  absl::StatusOr<int64_t> Restore(HostedStage& stage,
                                  const std::string& changelog_topic,
                                  const std::set<int>& partitions);

  void Close() { consumer_->Close(); }

 private:
  std::unique_ptr<StageConsumer> consumer_;
  StageConsumer& ends_;
  KafkaEnv& env_;
  std::ostream& log_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_CHANGELOG_RESTORER_H_
