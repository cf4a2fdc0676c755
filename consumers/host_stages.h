// The two engine stages as the Kafka host runs them, and the topics it
// writes.
//
// Each stage has its own consumer group member (group
// `<group_prefix>.order-stage` or `.inventory-stage`), reads its input
// topics (the public ones and the stage-to-stage topic addressed to it)
// and writes its changelog; partition p of those topics is shard p.
#ifndef ORDERFLOW_CONSUMERS_HOST_STAGES_H_
#define ORDERFLOW_CONSUMERS_HOST_STAGES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config_file.h"
#include "consumers/hosted_stage.h"
#include "engine/input_record.h"
#include "engine/topics.h"
#include "kafka/kafka_env.h"

namespace orderflow {

struct StageRuntime {
  std::unique_ptr<HostedStage> stage;
  std::unique_ptr<StageConsumer> consumer;  // made by the host
  std::string group_id;
  std::vector<std::string> topics;                              // Kafka names
  std::map<std::string, InputTopic, std::less<>> inputs;  // by Kafka name
  std::string changelog_topic;
  // Next offset per (topic, partition) consumed in the open transaction;
  // the topic is a key of inputs.
  std::map<std::pair<const std::string*, int32_t>, int64_t> next_offsets;
};

// The order stage, then the inventory stage, without consumers.
std::vector<StageRuntime> MakeHostStages(const Config& config);

// The Kafka name of each public output topic.
std::map<Topic, std::string> OutputTopics(const Config& config);
// Every topic the host's producer writes: outputs, stage-to-stage topics
// and changelogs.
std::vector<std::string> ProducedTopics(const Config& config);

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOST_STAGES_H_
