#include "producers/publish.h"

#include <memory>
#include <vector>

#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "nlohmann/json.hpp"
#include "replay/json_codec.h"
#include "replay/replay_line.h"

namespace orderflow {
namespace {

struct Checked {
  int64_t line;
  std::string key;
  std::string value;  // protobuf binary
  int64_t timestamp;  // 0: now
};

// The key of a bare value: `field` (a JSON name) must be a non-empty string.
bool KeyOf(const nlohmann::json& value, const std::string& field,
           std::string* key, std::string* problem) {
  if (!value.is_object() || !value.contains(field) || !value[field].is_string() ||
      value[field].get<std::string>().empty()) {
    *problem = Cat(field, ": missing (it is the key)");
    return false;
  }
  *key = value[field].get<std::string>();
  return true;
}

}  // namespace

int Publish(const Config& config, const PublishOptions& options,
            std::istream& in, std::ostream& out, std::ostream& err) {
  const std::optional<Topic> topic = TopicByShortName(options.topic);
  if (!topic || !IsInput(*topic)) {
    err << "orderflow: --topic " << options.topic
        << " is not an input topic (orders, cancellations, shipments, "
           "inventory, invoices)\n";
    return 2;
  }
  std::vector<Checked> good;
  std::vector<std::string> bad;
  std::string text;
  int64_t line = 0, blank = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) {
      ++blank;
      continue;
    }
    Checked c{line, "", "", 0};
    std::string problem;
    if (options.key_field.empty()) {
      LineError error;
      std::optional<ReplayLine> parsed = ParseReplayLine(text, &error);
      if (!parsed) {
        problem = Cat(error.reason, ": ", error.detail);
      } else if (parsed->kind != ReplayLine::Kind::kRecord) {
        problem = "a clock line cannot be published";
      } else if (PublicTopic(parsed->record.topic()) != *topic) {
        problem = Cat("the line is for topic ", ShortName(parsed->record.topic()),
                      ", not ", options.topic);
      } else {
        c.key = parsed->key;
        c.value = parsed->record.message().SerializeAsString();
        c.timestamp = parsed->time.value_or(0);
      }
    } else {
      std::string why;
      std::optional<nlohmann::json> value = ParseJsonText(text, &why);
      std::unique_ptr<google::protobuf::Message> m(MessageTypeOf(*topic).New());
      if (!value) {
        problem = Cat("MALFORMED_JSON: ", why);
      } else if (KeyOf(*value, options.key_field, &c.key, &problem)) {
        if (absl::Status s = DecodeJson(*value, m.get()); !s.ok()) {
          problem = Cat("INVALID_VALUE: ", std::string(s.message()));
        } else {
          c.value = m->SerializeAsString();
        }
      }
    }
    if (problem.empty() && c.key.empty()) {
      problem = "MISSING_FIELD: key missing (every record needs its key)";
    }
    if (problem.empty()) {
      good.push_back(std::move(c));
    } else {
      bad.push_back(Cat("line ", line, ": ", problem));
      err << "line " << line << ": " << problem << "\n";
    }
  }

  const std::string kafka_topic = KafkaTopic(config.kafka.topic_prefix, *topic);
  const int partitions = PartitionCount(*topic, config.engine);
  auto summary = [&](int64_t published) {
    out << "published " << published << " of " << (line - blank)
        << " lines to " << kafka_topic;
    if (!bad.empty()) {
      out << "; not published:";
      for (const std::string& b : bad) out << "\n  " << b;
    }
    out << "\n";
  };
  if (good.empty()) {
    summary(0);
    return bad.empty() ? 0 : 1;
  }

  auto conf = MakeKafkaConf(
      config.kafka, {{"transactional.id", Cat(config.kafka.group_prefix,
                                              ".publish.", kafka_topic)},
                     {"enable.idempotence", "true"}});
  std::string error;
  std::unique_ptr<RdKafka::Producer> producer;
  if (conf.ok()) producer.reset(RdKafka::Producer::create(conf->get(), error));
  if (!conf.ok() || !producer) {
    err << "orderflow: " << (conf.ok() ? error : std::string(conf.status().message()))
        << "\n";
    summary(0);
    return 1;
  }
  std::string failure;
  ErrorPtr e(producer->init_transactions(30000));
  if (!e) e.reset(producer->begin_transaction());
  for (size_t i = 0; !e && failure.empty() && i < good.size(); ++i) {
    const Checked& c = good[i];
    for (;;) {
      RdKafka::ErrorCode code = producer->produce(
          kafka_topic, PartitionOf(c.key, partitions),
          RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(c.value.data()),
          c.value.size(), c.key.data(), c.key.size(), c.timestamp, nullptr);
      if (code == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(50);
        continue;
      }
      if (code != RdKafka::ERR_NO_ERROR) {
        failure = Cat("line ", c.line, ": ", RdKafka::err2str(code));
      }
      break;
    }
  }
  if (!e && failure.empty()) e.reset(producer->commit_transaction(60000));
  if (e) failure = e->str();
  if (!failure.empty()) {
    ErrorPtr ignored(producer->abort_transaction(30000));
    err << "orderflow: publishing to " << kafka_topic << " at "
        << config.kafka.bootstrap_servers << " failed, nothing was published: "
        << failure << "\n";
    summary(0);
    return 1;
  }
  summary(static_cast<int64_t>(good.size()));
  return bad.empty() ? 0 : 1;
}

}  // namespace orderflow
