#include "kafka/kafka_client.h"

#include <chrono>
#include <thread>

#include "engine/text.h"

namespace orderflow {

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const KafkaSettings& settings,
    const std::map<std::string, std::string>& role_settings) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  auto set = [&](const std::string& name, const std::string& value,
                 std::string_view origin) -> absl::Status {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          Cat(origin, name, "=", value, ": ", error));
    }
    return absl::OkStatus();
  };
  absl::Status s = set("bootstrap.servers", settings.bootstrap_servers,
                       "kafka.bootstrap_servers: ");
  if (!s.ok()) return s;
  for (const auto& [name, value] : settings.properties) {
    if (s = set(name, value, "kafka.properties."); !s.ok()) return s;
  }
  for (const auto& [name, value] : role_settings) {
    if (s = set(name, value, ""); !s.ok()) return s;
  }
  return conf;
}

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> MakeKafkaConsumer(
    const KafkaSettings& settings,
    const std::map<std::string, std::string>& role_settings) {
  auto conf = MakeKafkaConf(settings, role_settings);
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> c(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!c) return absl::InvalidArgumentError(error);
  return c;
}

absl::StatusOr<std::vector<PartitionEnds>> HighWatermarks(
    const KafkaSettings& settings, const std::string& group_id,
    const std::vector<TopicPartitionName>& partitions) {
  auto made = MakeKafkaConsumer(settings, {{"group.id", group_id},
                                           {"enable.auto.commit", "false"},
                                           {"isolation.level", "read_uncommitted"}});
  if (!made.ok()) return made.status();
  const std::unique_ptr<RdKafka::KafkaConsumer> client = *std::move(made);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::vector<PartitionEnds> ends;
  absl::Status status = absl::OkStatus();
  for (const TopicPartitionName& tp : partitions) {
    PartitionEnds e;
    RdKafka::ErrorCode code;
    while ((code = client->query_watermark_offsets(tp.topic, tp.partition, &e.low,
                                                   &e.high, 10000)) !=
               RdKafka::ERR_NO_ERROR &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      status = absl::UnavailableError(
          Cat("end offset of ", tp.topic, " [", tp.partition, "]: ", Describe(code)));
      break;
    }
    ends.push_back(e);
  }
  client->close();
  if (!status.ok()) return status;
  return ends;
}

int TopicPartitionCount(RdKafka::Handle& client, const std::string& topic,
                        int timeout_ms, RdKafka::ErrorCode* code) {
  std::string error;
  std::unique_ptr<RdKafka::Topic> handle(
      RdKafka::Topic::create(&client, topic, nullptr, error));
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode asked = client.metadata(false, handle.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != nullptr) *code = asked;
  if (asked != RdKafka::ERR_NO_ERROR || metadata->topics()->empty() ||
      metadata->topics()->at(0)->err() != RdKafka::ERR_NO_ERROR) {
    return 0;
  }
  return static_cast<int>(metadata->topics()->at(0)->partitions()->size());
}

std::string Describe(RdKafka::ErrorCode code) {
  return Cat(RdKafka::err2str(code), " (", static_cast<int>(code), ")");
}

}  // namespace orderflow
