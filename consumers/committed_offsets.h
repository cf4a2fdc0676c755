// Where a stage consumer resumes its partitions: at the group's committed
// offsets, asked by the host itself rather than left to the client.
//
// A consumer assigned at kCommittedOffset asks the group's coordinator
// for the offsets on its own; when that question fails as a whole (the
// coordinator moved after a broker restart: "Not coordinator"), librdkafka
// does not ask again, and the partitions stay assigned without ever being
// fetched: the stage stalls for good while its member keeps heartbeating.
// So the host asks (StageConsumer::Committed), retries while the answer
// is retriable, and assigns explicit offsets.
#ifndef ORDERFLOW_CONSUMERS_COMMITTED_OFFSETS_H_
#define ORDERFLOW_CONSUMERS_COMMITTED_OFFSETS_H_

#include <atomic>
#include <chrono>
#include <ostream>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kafka/kafka_env.h"

namespace orderflow {

struct CommittedRetry {
  // Each question waits this long for its answer.
  int timeout_ms = 5000;
  // Between questions: from `first_backoff`, doubled up to `max_backoff`.
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  // No question is asked once this long has passed since the first: a
  // coordinator moves in seconds; one missing for a minute is an outage
  // an operator must see, and the member is still well inside
  // max.poll.interval.ms (five minutes) when the host ends.
  std::chrono::milliseconds give_up_after{60000};
  // Set when the process is asked to stop (SIGTERM): no question is asked
  // after that, so a coordinator that does not answer cannot hold the
  // stop back for a minute. Null: never.
  const std::atomic<bool>* stop = nullptr;
};

// `partitions` with each kCommittedOffset replaced by the group's committed
// offset (or, where it never committed, where the reset policy starts);
// other offsets are kept. Retriable failures are logged and asked again
// after a backoff on `env`'s clock; Unavailable, naming `group` and the
// last failure, once `retry.give_up_after` has passed; Cancelled once
// `retry.stop` is set; any other failure at once.
absl::StatusOr<std::vector<TopicPartitionOffset>> ResolveCommittedOffsets(
    StageConsumer& consumer, KafkaEnv& env, std::string_view group,
    std::vector<TopicPartitionOffset> partitions, std::ostream& log,
    const CommittedRetry& retry = {});

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_COMMITTED_OFFSETS_H_
