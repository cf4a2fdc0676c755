#include "consumers/host_stages.h"

#include "engine/text.h"
#include "kafka/topic_names.h"

namespace orderflow {
namespace {

StageRuntime MakeStage(const Config& config, std::unique_ptr<HostedStage> stage,
                       std::string_view role,
                       std::vector<std::string> short_topics,
                       InternalTopic changelog) {
  StageRuntime s;
  s.stage = std::move(stage);
  s.group_id = Cat(config.kafka.group_prefix, ".", role);
  for (const std::string& name : short_topics) {
    const std::string full = KafkaTopic(config.kafka.topic_prefix, name);
    s.topics.push_back(full);
    s.inputs[full] = *InputTopicByShortName(name);
  }
  s.changelog_topic = KafkaTopic(config.kafka.topic_prefix, changelog);
  return s;
}

}  // namespace

std::vector<StageRuntime> MakeHostStages(const Config& config) {
  std::vector<StageRuntime> stages;
  stages.push_back(MakeStage(
      config, MakeOrderStage(config.engine), "order-stage",
      {std::string(ShortName(Topic::kOrders)),
       std::string(ShortName(Topic::kCancellations)),
       std::string(ShortName(Topic::kShipments)),
       std::string(ShortName(Topic::kInvoices)),
       std::string(ShortName(Topic::kCustomerContacts)),
       std::string(ShortName(Topic::kHolds)),
       std::string(ShortName(Topic::kAmendments)),
       std::string(InternalName(InternalTopic::kAllocationResults))},
      InternalTopic::kOrderChangelog));
  stages.push_back(MakeStage(
      config, MakeInventoryStage(config.engine), "inventory-stage",
      {std::string(ShortName(Topic::kInventory)),
       std::string(InternalName(InternalTopic::kAllocationRequests))},
      InternalTopic::kInventoryChangelog));
  return stages;
}

std::map<std::string, std::string> StageMemberSettings(
    const Config& config, const std::string& group_id) {
  std::map<std::string, std::string> settings = {
      {"group.instance.id", Cat(group_id, ".", config.kafka.instance_id)}};
  // An operator's session.timeout.ms (kafka.properties) is kept.
  if (config.kafka.properties.count("session.timeout.ms") == 0) {
    settings["session.timeout.ms"] = std::to_string(kStageSessionTimeoutMs);
  }
  return settings;
}

std::map<Topic, std::string> OutputTopics(const Config& config) {
  std::map<Topic, std::string> topics;
  for (Topic t : {Topic::kOrderStatus, Topic::kDeliveryTasks,
                  Topic::kEscalations, Topic::kDeadLetter,
                  Topic::kAmendmentResults}) {
    topics[t] = KafkaTopic(config.kafka.topic_prefix, t);
  }
  return topics;
}

std::vector<std::string> ProducedTopics(const Config& config) {
  std::vector<std::string> names;
  for (InternalTopic t :
       {InternalTopic::kAllocationRequests, InternalTopic::kAllocationResults,
        InternalTopic::kOrderChangelog, InternalTopic::kInventoryChangelog}) {
    names.push_back(KafkaTopic(config.kafka.topic_prefix, t));
  }
  for (const auto& [t, name] : OutputTopics(config)) names.push_back(name);
  return names;
}

}  // namespace orderflow
