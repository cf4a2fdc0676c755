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

// A stage's group membership is static (KIP-345): its member is named
// "<group_id>.<instance_id>" (group.instance.id), so a process restarted
// with the same kafka.instance_id takes its predecessor's place and
// partitions at once, instead of waiting for the killed member's session
// to time out. The cost: a static member does not leave its group when it
// closes either, so after a clean shutdown its partitions move to the
// others only when its session times out: kStageSessionTimeoutMs, unless
// kafka.properties sets session.timeout.ms. A member fenced (another
// joined with its group.instance.id) is made again and takes its place
// back: the fencing is most often its own rejoin after a broker restart.
// Two processes given the same instance_id fence each other again and
// again, and stop with an error that says so (consumers/host.h,
// OnFenced).
inline constexpr int kStageSessionTimeoutMs = 15000;
std::map<std::string, std::string> StageMemberSettings(
    const Config& config, const std::string& group_id);

// The Kafka name of each public output topic.
std::map<Topic, std::string> OutputTopics(const Config& config);
// Every topic the host's producer writes: outputs, stage-to-stage topics
// and changelogs.
std::vector<std::string> ProducedTopics(const Config& config);

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOST_STAGES_H_
