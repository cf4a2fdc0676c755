// The topics orderflow needs, and making sure they are there.
//
// Input and output topics have one partition per shard of the stage that
// owns their key (orders stage: order id; inventory stage: SKU); the
// stage-to-stage topics likewise; the changelogs are compacted.
#ifndef ORDERFLOW_KAFKA_TOPICS_ADMIN_H_
#define ORDERFLOW_KAFKA_TOPICS_ADMIN_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "config/config_file.h"

namespace orderflow {

struct TopicSpec {
  std::string name;  // full Kafka name
  int partitions;
  std::map<std::string, std::string> configs;
};

std::vector<TopicSpec> RequiredTopics(const Config& config);

// Creates every required topic that does not exist yet. `report` gets one
// line per topic ("created", "exists"). Fails on the first refusal.
absl::Status CreateTopics(const Config& config, std::string* report);

// Checks that every required topic exists with the configured partition
// count, within `timeout_ms`. The error names what is missing and what to
// run.
absl::Status CheckTopics(const Config& config, int timeout_ms);

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_TOPICS_ADMIN_H_
