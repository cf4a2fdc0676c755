#include "kafka/topics_admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "engine/text.h"

namespace orderflow {

std::vector<TopicSpec> RequiredTopics(const Config& config) {
  const std::string& prefix = config.kafka.topic_prefix;
  const int orders = config.engine.order_partitions;
  const int inventory = config.engine.inventory_partitions;
  const std::map<std::string, std::string>& configs = config.kafka.topic_configs;
  std::vector<TopicSpec> topics;
  for (Topic t : kAllTopics) {
    topics.push_back({KafkaTopic(prefix, t), PartitionCount(t, config.engine),
                      configs});
  }
  topics.push_back({KafkaTopic(prefix, InternalTopic::kAllocationRequests),
                    inventory, configs});
  topics.push_back(
      {KafkaTopic(prefix, InternalTopic::kAllocationResults), orders, configs});
  std::map<std::string, std::string> compacted = configs;
  compacted["cleanup.policy"] = "compact";
  topics.push_back(
      {KafkaTopic(prefix, InternalTopic::kOrderChangelog), orders, compacted});
  topics.push_back({KafkaTopic(prefix, InternalTopic::kInventoryChangelog),
                    inventory, compacted});
  return topics;
}

namespace {

// Remembers the errors librdkafka reports on its own (through poll) while
// a request fails: they tell a refused login from a broker that is down.
class ErrorWitness : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    if (event.err() == RdKafka::ERR__AUTHENTICATION) {
      authentication = event.str();
    } else if (last.empty() || event.err() != RdKafka::ERR__ALL_BROKERS_DOWN) {
      last = event.str();
    }
  }
  std::string authentication;  // why the login was refused, if it was
  std::string last;            // the last other error's text
};

absl::StatusOr<std::unique_ptr<RdKafka::Producer>> AdminClient(
    const Config& config, RdKafka::EventCb* events = nullptr) {
  auto conf = MakeKafkaConf(config.kafka, {});
  if (!conf.ok()) return conf.status();
  std::string error;
  if (events != nullptr &&
      (*conf)->set("event_cb", events, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::Producer> client(
      RdKafka::Producer::create(conf->get(), error));
  if (!client) return absl::InvalidArgumentError(error);
  return client;
}

// Every topic's metadata, or why there is none: a refused login is told
// apart from a broker that cannot be reached.
absl::StatusOr<std::unique_ptr<RdKafka::Metadata>> FetchMetadata(
    const Config& config, int timeout_ms) {
  ErrorWitness witness;
  auto client = AdminClient(config, &witness);
  if (!client.ok()) return client.status();
  // Asks in short slices, serving the errors reported along the way, so
  // that a refused login ends the wait at once.
  RdKafka::ErrorCode err = RdKafka::ERR__TIMED_OUT;
  for (int waited = 0; waited < timeout_ms && witness.authentication.empty();) {
    const int slice = std::min(1000, timeout_ms - waited);
    RdKafka::Metadata* raw = nullptr;
    err = (*client)->metadata(/*all_topics=*/true, nullptr, &raw, slice);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err == RdKafka::ERR_NO_ERROR) return metadata;
    (*client)->poll(0);
    waited += slice;
  }
  if (!witness.authentication.empty()) {
    return absl::UnauthenticatedError(
        Cat("authentication with Kafka at ", config.kafka.bootstrap_servers,
            " failed (check kafka.properties sasl.* and security.protocol): ",
            witness.authentication));
  }
  return absl::UnavailableError(
      Cat("cannot reach Kafka at ", config.kafka.bootstrap_servers, ": ",
          Describe(err),
          witness.last.empty() ? "" : Cat(" (", witness.last, ")")));
}

// Waits, up to 30 s, until the broker's metadata lists every topic of
// `names`. The controller answers a creation once the topics are in its
// log; the broker asked for metadata learns of them a moment later, and
// until it has, a topic just created would be reported missing.
void WaitUntilListed(const Config& config, const std::set<std::string>& names) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!names.empty() && std::chrono::steady_clock::now() < deadline) {
    auto metadata = FetchMetadata(config, 10000);
    if (!metadata.ok()) return;  // CheckTopics says why
    size_t listed = 0;
    for (const RdKafka::TopicMetadata* t : *(*metadata)->topics()) {
      listed += t->err() == RdKafka::ERR_NO_ERROR && names.count(t->topic());
    }
    if (listed == names.size()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

absl::Status CreateTopics(const Config& config, std::string* report) {
  // Fails fast, and names a refused login, before anything is created.
  if (auto reachable = FetchMetadata(config, 10000); !reachable.ok()) {
    return reachable.status();
  }
  auto client = AdminClient(config);
  if (!client.ok()) return client.status();
  rd_kafka_t* rk = (*client)->c_ptr();
  const std::vector<TopicSpec> specs = RequiredTopics(config);
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> topics;
  for (const TopicSpec& spec : specs) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(
        spec.name.c_str(), spec.partitions, config.kafka.replication_factor,
        error, sizeof error);
    if (t == nullptr) {
      for (auto* made : topics) rd_kafka_NewTopic_destroy(made);
      return absl::InvalidArgumentError(Cat(spec.name, ": ", error));
    }
    for (const auto& [name, value] : spec.configs) {
      rd_kafka_NewTopic_set_config(t, name.c_str(), value.c_str());
    }
    topics.push_back(t);
  }
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, 30000, error, sizeof error);
  rd_kafka_AdminOptions_set_operation_timeout(options, 30000, error,
                                              sizeof error);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, topics.data(), topics.size(), options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 45000);

  absl::Status status = absl::OkStatus();
  std::set<std::string> created;
  if (event == nullptr) {
    status = absl::DeadlineExceededError(
        Cat("no answer from Kafka at ", config.kafka.bootstrap_servers,
            " within 45 s"));
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::UnavailableError(
        Cat("creating topics at ", config.kafka.bootstrap_servers, ": ",
            rd_kafka_event_error_string(event)));
  } else {
    const rd_kafka_CreateTopics_result_t* result =
        rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      const char* name = rd_kafka_topic_result_name(results[i]);
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        *report += Cat("created ", name, "\n");
        created.insert(name);
      } else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        *report += Cat("exists  ", name, "\n");
      } else if (status.ok()) {
        const char* why = rd_kafka_topic_result_error_string(results[i]);
        status = absl::FailedPreconditionError(
            Cat(name, ": ", why != nullptr ? why : rd_kafka_err2str(err)));
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(options);
  for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  if (!status.ok()) return status;
  WaitUntilListed(config, created);
  return CheckTopics(config, 30000);
}

absl::Status CheckTopics(const Config& config, int timeout_ms) {
  auto metadata = FetchMetadata(config, timeout_ms);
  if (!metadata.ok()) return metadata.status();
  std::map<std::string, int> found;
  for (const RdKafka::TopicMetadata* t : *(*metadata)->topics()) {
    if (t->err() == RdKafka::ERR_NO_ERROR) {
      found[t->topic()] = static_cast<int>(t->partitions()->size());
    }
  }
  std::string problems;
  const std::vector<TopicSpec> required = RequiredTopics(config);
  const bool none = std::none_of(required.begin(), required.end(),
                                 [&](const TopicSpec& t) { return found.count(t.name); });
  if (none) {
    return absl::FailedPreconditionError(
        Cat("none of the ", required.size(), " orderflow topics (",
            required.front().name, ", ...) exists at ",
            config.kafka.bootstrap_servers,
            " (run: orderflow topics create --config FILE)"));
  }
  for (const TopicSpec& spec : required) {
    auto it = found.find(spec.name);
    if (it == found.end()) {
      problems += Cat(problems.empty() ? "" : "; ", spec.name, " is missing");
    } else if (it->second != spec.partitions) {
      problems += Cat(problems.empty() ? "" : "; ", spec.name, " has ",
                      it->second, " partitions, the configuration says ",
                      spec.partitions);
    }
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(
        Cat(problems, " (run: orderflow topics create --config FILE)"));
  }
  return absl::OkStatus();
}

}  // namespace orderflow
