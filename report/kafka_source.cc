#include "report/kafka_source.h"

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "consumers/kafka_client.h"
#include "consumers/topic_names.h"
#include "engine/text.h"

namespace orderflow {
namespace {

struct PartitionRange {
  Topic topic;
  std::string name;
  int32_t partition;
  int64_t end;        // exclusive: the end offset when reading started
  bool done = false;
};

}  // namespace

absl::StatusOr<ReadStats> ReadKafkaTopics(const Config& config,
                                          WeeklyReportBuilder& builder,
                                          std::ostream& diagnostics,
                                          const std::atomic<bool>& stop,
                                          const KafkaReadOptions& options) {
  auto conf = MakeKafkaConf(config.kafka,
                            {{"group.id", Cat(config.kafka.group_prefix, ".report")},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"isolation.level", "read_committed"},
                             {"enable.partition.eof", "true"},
                             {"allow.auto.create.topics", "false"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return absl::InvalidArgumentError(error);

  // Every partition of the three topics, and where each ends now. The
  // metadata of all topics is asked for: asking for one by name may create
  // it on a broker that creates topics on demand.
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode code = consumer->metadata(true, nullptr, &raw, 10000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(Cat("cannot reach Kafka at ",
                                      config.kafka.bootstrap_servers, " (",
                                      Describe(code), ")"));
  }
  std::vector<PartitionRange> ranges;
  for (Topic topic : {Topic::kOrderStatus, Topic::kEscalations, Topic::kDeadLetter}) {
    const std::string name = KafkaTopic(config.kafka.topic_prefix, topic);
    int partitions = 0;
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->topic() == name && t->err() == RdKafka::ERR_NO_ERROR) {
        partitions = static_cast<int>(t->partitions()->size());
      }
    }
    if (partitions == 0) {
      return absl::NotFoundError(Cat("topic ", name, " not found at ",
                                     config.kafka.bootstrap_servers));
    }
    for (int p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      const RdKafka::ErrorCode e =
          consumer->query_watermark_offsets(name, p, &low, &high, 10000);
      if (e != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(
            Cat("end offset of ", name, " [", p, "]: ", Describe(e)));
      }
      ranges.push_back({topic, name, p, high, high <= low});
    }
  }

  std::vector<RdKafka::TopicPartition*> assignment;
  std::map<std::pair<std::string, int32_t>, PartitionRange*> by_partition;
  for (PartitionRange& r : ranges) {
    by_partition[{r.name, r.partition}] = &r;
    if (r.done) continue;
    assignment.push_back(RdKafka::TopicPartition::create(
        r.name, r.partition, RdKafka::Topic::OFFSET_BEGINNING));
  }
  const RdKafka::ErrorCode assigned = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (assigned != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(Describe(assigned));
  }

  ReadStats stats;
  auto pending = [&] {
    size_t n = 0;
    for (const PartitionRange& r : ranges) n += !r.done;
    return n;
  };
  // Reading past the last record of a partition may only show as its
  // position (a transaction marker has no message): ask for it now and then.
  auto check_positions = [&] {
    std::vector<RdKafka::TopicPartition*> parts;
    for (const PartitionRange& r : ranges) {
      if (!r.done) parts.push_back(RdKafka::TopicPartition::create(r.name, r.partition));
    }
    if (consumer->position(parts) == RdKafka::ERR_NO_ERROR) {
      for (RdKafka::TopicPartition* tp : parts) {
        PartitionRange* r = by_partition[{tp->topic(), tp->partition()}];
        if (tp->offset() >= 0 && tp->offset() >= r->end) r->done = true;
      }
    }
    RdKafka::TopicPartition::destroy(parts);
  };

  using Clock = std::chrono::steady_clock;
  Clock::time_point last_progress = Clock::now();
  while (pending() > 0 && !stop.load()) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    const RdKafka::ErrorCode err = m->err();
    if (err == RdKafka::ERR__TIMED_OUT) {
      check_positions();
      if (Clock::now() - last_progress > std::chrono::milliseconds(options.idle_timeout_ms)) {
        for (const PartitionRange& r : ranges) {
          if (r.done) continue;
          diagnostics << "orderflow: " << r.name << " [" << r.partition
                      << "]: no progress towards offset " << r.end
                      << " (an open transaction?); reported without the rest\n";
        }
        break;
      }
      continue;
    }
    auto found = by_partition.find({m->topic_name(), m->partition()});
    if (found == by_partition.end()) continue;
    PartitionRange& range = *found->second;
    last_progress = Clock::now();
    if (err == RdKafka::ERR__PARTITION_EOF) {
      range.done = true;
      continue;
    }
    if (err != RdKafka::ERR_NO_ERROR) {
      diagnostics << "orderflow: " << m->errstr() << "\n";
      continue;
    }
    if (m->offset() >= range.end) {
      range.done = true;
      continue;
    }
    ++stats.lines;
    std::unique_ptr<google::protobuf::Message> value(MessageTypeOf(range.topic).New());
    if (m->payload() == nullptr ||
        !value->ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
      if (++stats.bad <= kMaxWarnings) {
        diagnostics << range.name << " [" << range.partition << "] offset "
                    << m->offset() << ": not a " << value->GetTypeName()
                    << " (skipped)\n";
      }
    } else {
      const int64_t ts = m->timestamp().timestamp;
      AddOutputRecord(range.topic, *value,
                      ts > 0 ? std::optional<EpochMillis>(ts) : std::nullopt, builder);
      ++stats.used;
    }
    if (m->offset() >= range.end - 1) range.done = true;
  }
  if (stats.bad > kMaxWarnings) {
    diagnostics << "orderflow: " << stats.bad - kMaxWarnings
                << " more undecodable records skipped\n";
  }
  consumer->close();
  return stats;
}

}  // namespace orderflow
