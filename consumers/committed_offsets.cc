#include "consumers/committed_offsets.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "engine/text.h"
#include "kafka/kafka_errors.h"

namespace orderflow {

absl::StatusOr<std::vector<TopicPartitionOffset>> ResolveCommittedOffsets(
    StageConsumer& consumer, KafkaEnv& env, std::string_view group,
    std::vector<TopicPartitionOffset> partitions, std::ostream& log,
    const CommittedRetry& retry) {
  std::vector<TopicPartitionOffset> asked;
  for (const TopicPartitionOffset& tp : partitions) {
    if (tp.offset == kCommittedOffset) asked.push_back(tp);
  }
  if (asked.empty()) return partitions;
  const KafkaEnv::Clock::time_point started = env.Now();
  std::chrono::milliseconds backoff = retry.first_backoff;
  for (int tries = 1;; ++tries) {
    absl::StatusOr<std::vector<TopicPartitionOffset>> committed =
        consumer.Committed(asked, retry.timeout_ms);
    if (committed.ok()) {
      std::map<std::pair<std::string, int32_t>, int64_t> offsets;
      for (const TopicPartitionOffset& tp : *committed) {
        offsets[{tp.topic, tp.partition}] = tp.offset;
      }
      for (TopicPartitionOffset& tp : partitions) {
        const auto found = offsets.find({tp.topic, tp.partition});
        if (tp.offset == kCommittedOffset && found != offsets.end()) {
          tp.offset = found->second;
        }
      }
      if (tries > 1) {
        log << "run: committed offsets of " << group << " fetched after "
            << tries << " tries\n";
      }
      return partitions;
    }
    const absl::Status& st = committed.status();
    if (!IsRetriable(st)) {
      return absl::Status(st.code(), Cat("group ", group, ": ", MessageOf(st)));
    }
    if (retry.stop != nullptr && retry.stop->load()) {
      return absl::CancelledError(
          Cat("group ", group, ": stopping while asking for the committed "
              "offsets (", tries, " tries; the last: ", MessageOf(st), ")"));
    }
    if (env.Now() - started + backoff >= retry.give_up_after) {
      return absl::UnavailableError(
          Cat("group ", group, ": no committed offsets after ", tries,
              " tries over ",
              std::chrono::duration_cast<std::chrono::seconds>(
                  retry.give_up_after)
                  .count(),
              " s; the last: ", MessageOf(st)));
    }
    log << "run: " << group << ": " << MessageOf(st) << "; asking again in "
        << backoff.count() << " ms\n";
    env.SleepFor(backoff);
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
}

}  // namespace orderflow
