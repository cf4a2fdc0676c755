#include "kafka/kafka_io.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "engine/partitioner.h"
#include "engine/text.h"

namespace orderflow {

absl::StatusOr<std::unique_ptr<TopicWriter>> TopicWriter::Create(
    const Config& config) {
  auto conf = MakeKafkaConf(config.kafka,
                            {{"linger.ms", "5"}, {"enable.idempotence", "true"}});
  if (!conf.ok()) return conf.status();
  auto reports = std::make_unique<Reports>();
  std::string error;
  if ((*conf)->set("dr_cb", reports.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(error);
  }
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf->get(), error));
  if (!p) return absl::InvalidArgumentError(error);
  return std::unique_ptr<TopicWriter>(
      new TopicWriter(config, std::move(reports), std::move(p)));
}

TopicWriter::~TopicWriter() { producer_->flush(10000); }

int64_t TopicWriter::Flush(std::string* first_error) {
  producer_->flush(30000);
  *first_error = reports_->first_error;
  return reports_->failed;
}

void TopicWriter::Send(Topic topic, const std::string& key,
                       const google::protobuf::Message& value, EpochMillis time) {
  const std::string bytes = value.SerializeAsString();
  const int partitions = PartitionCount(topic, config_.engine);
  for (;;) {
    const RdKafka::ErrorCode e = producer_->produce(
        KafkaTopic(config_.kafka.topic_prefix, topic), PartitionOf(key, partitions),
        RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(bytes.data()),
        bytes.size(), key.data(), key.size(), time, nullptr);
    if (e != RdKafka::ERR__QUEUE_FULL) break;
    producer_->poll(20);
  }
  producer_->poll(0);
}

absl::StatusOr<std::unique_ptr<TopicReader>> TopicReader::Create(
    const Config& config, const std::vector<Topic>& topics,
    const std::string& group_id) {
  auto c = MakeKafkaConsumer(
      config.kafka,
      {{"group.id", group_id.empty() ? config.kafka.group_prefix + ".reader" : group_id},
       {"enable.auto.commit", group_id.empty() ? "false" : "true"},
       {"auto.offset.reset", "earliest"},
       {"isolation.level", "read_committed"}});
  if (!c.ok()) return c.status();
  std::unique_ptr<TopicReader> reader(new TopicReader(std::move(*c)));
  std::vector<std::string> names;
  std::vector<RdKafka::TopicPartition*> parts;
  for (Topic t : topics) {
    const std::string name = KafkaTopic(config.kafka.topic_prefix, t);
    reader->names_.push_back({name, t});
    names.push_back(name);
    const int n = PartitionCount(t, config.engine);
    for (int p = 0; p < n; ++p) {
      parts.push_back(RdKafka::TopicPartition::create(
          name, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  const RdKafka::ErrorCode err = group_id.empty()
                                     ? reader->consumer_->assign(parts)
                                     : reader->consumer_->subscribe(names);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(Describe(err));
  }
  return reader;
}

TopicReader::~TopicReader() { consumer_->close(); }

std::unique_ptr<RdKafka::Message> TopicReader::Next(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> m(consumer_->consume(timeout_ms));
  return m->err() == RdKafka::ERR_NO_ERROR ? std::move(m) : nullptr;
}

Topic TopicReader::TopicOf(const RdKafka::Message& m) const {
  const std::string name = m.topic_name();
  for (const auto& [n, t] : names_) {
    if (n == name) return t;
  }
  return Topic::kDeadLetter;
}

namespace {

// One partition of ReadTopicsToEnd: read up to `end` (exclusive).
struct PartitionRange {
  Topic topic;
  std::string name;
  int32_t partition = 0;
  // Where the partition ended when the read started: its high watermark
  // (see HighWatermarks).
  int64_t end = 0;
  bool done = false;
};

std::string Named(const PartitionRange& r) {
  return Cat(r.name, " [", r.partition, "]");
}

}  // namespace

absl::StatusOr<ReadToEndStats> ReadTopicsToEnd(
    const Config& config, const std::vector<Topic>& topics,
    const std::function<void(Topic, const RdKafka::Message&)>& on_record,
    const ReadToEndOptions& options) {
  const std::string& servers = config.kafka.bootstrap_servers;
  auto made = MakeKafkaConsumer(
      config.kafka, {{"group.id", Cat(config.kafka.group_prefix, options.group_suffix)},
               {"enable.auto.commit", "false"},
               {"enable.auto.offset.store", "false"},
               {"isolation.level", "read_committed"},
               {"enable.partition.eof", "true"},
               {"allow.auto.create.topics", "false"}});
  if (!made.ok()) return made.status();
  const std::unique_ptr<RdKafka::KafkaConsumer> consumer = std::move(*made);
  // Closes the consumer on every return.
  struct Closer {
    RdKafka::KafkaConsumer* c;
    ~Closer() { c->close(); }
  } closer{consumer.get()};

  // Every partition of the topics, and where each ends now.
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode code = consumer->metadata(true, nullptr, &raw, 10000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    const std::string first =
        topics.empty() ? std::string("(none)")
                       : KafkaTopic(config.kafka.topic_prefix, topics.front());
    return absl::UnavailableError(Cat("topic ", first, " not found at ", servers,
                                      ": cannot reach Kafka (", Describe(code), ")"));
  }
  std::vector<PartitionRange> ranges;
  for (size_t i = 0; i < topics.size(); ++i) {
    const Topic topic = topics[i];
    if (std::find(topics.begin(), topics.begin() + i, topic) != topics.begin() + i) {
      continue;  // named twice
    }
    const std::string name = KafkaTopic(config.kafka.topic_prefix, topic);
    int partitions = 0;
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->topic() == name && t->err() == RdKafka::ERR_NO_ERROR) {
        partitions = static_cast<int>(t->partitions()->size());
      }
    }
    if (partitions == 0) {
      if (options.missing_topics_are_empty) continue;
      return absl::NotFoundError(Cat("topic ", name, " not found at ", servers));
    }
    for (int p = 0; p < partitions; ++p) {
      if (!options.only_partition_of.empty() &&
          p != PartitionOf(options.only_partition_of, partitions)) {
        continue;
      }
      ranges.push_back({topic, name, p});
    }
  }
  {
    std::vector<TopicPartitionName> names;
    for (const PartitionRange& r : ranges) names.push_back({r.name, r.partition});
    auto ends = HighWatermarks(config.kafka,
                               Cat(config.kafka.group_prefix, options.group_suffix),
                               names);
    if (!ends.ok()) return ends.status();
    for (size_t i = 0; i < ranges.size(); ++i) {
      ranges[i].end = (*ends)[i].high;
      ranges[i].done = (*ends)[i].high <= (*ends)[i].low;
    }
  }

  // Empty partitions are not read at all.
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

  ReadToEndStats stats;
  stats.partitions = static_cast<int>(ranges.size());
  auto unfinished = [&] {
    int n = 0;
    for (const PartitionRange& r : ranges) n += !r.done;
    return n;
  };
  // Reading past the last record of a partition may only show as its
  // position (a transaction's commit marker has no message): asked for now
  // and then. True when a partition was found done.
  auto check_positions = [&] {
    std::vector<RdKafka::TopicPartition*> parts;
    for (const PartitionRange& r : ranges) {
      if (!r.done) parts.push_back(RdKafka::TopicPartition::create(r.name, r.partition));
    }
    bool progress = false;
    if (consumer->position(parts) == RdKafka::ERR_NO_ERROR) {
      for (RdKafka::TopicPartition* tp : parts) {
        PartitionRange* r = by_partition[{tp->topic(), tp->partition()}];
        if (tp->offset() >= 0 && tp->offset() >= r->end) progress = r->done = true;
      }
    }
    RdKafka::TopicPartition::destroy(parts);
    return progress;
  };

  using Clock = std::chrono::steady_clock;
  const auto idle = std::chrono::milliseconds(options.idle_timeout_ms);
  Clock::time_point last_progress = Clock::now();
  while (unfinished() > 0) {
    if (options.stop != nullptr && options.stop->load()) {
      stats.stopped = true;
      break;
    }
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    const RdKafka::ErrorCode err = m->err();
    if (err == RdKafka::ERR__TIMED_OUT) {
      if (check_positions()) last_progress = Clock::now();
      if (Clock::now() - last_progress <= idle) continue;
      // Stalled.
      std::vector<std::string> stalled;
      for (const PartitionRange& r : ranges) {
        if (!r.done) stalled.push_back(Named(r));
      }
      if (!options.partial_on_stall) {
        std::string names;
        for (size_t i = 0; i < stalled.size() && i < 5; ++i) {
          names += Cat(i == 0 ? "" : ", ", stalled[i]);
        }
        if (stalled.size() > 5) names += ", ...";
        const int ms = options.idle_timeout_ms;
        return absl::DeadlineExceededError(
            Cat("no records from ", servers, " for ",
                ms % 1000 == 0 ? Cat(ms / 1000, " s") : Cat(ms, " ms"), "; ",
                stalled.size(), " partitions not read to their end (", names,
                "); if the broker answers, a transaction left open (a stopped "
                "engine?) holds them back until it ends or times out"));
      }
      if (options.diagnostics != nullptr) {
        for (const PartitionRange& r : ranges) {
          if (r.done) continue;
          *options.diagnostics << "orderflow: " << Named(r)
                               << ": no progress towards offset " << r.end
                               << " (an open transaction?); read without the rest\n";
        }
      }
      break;
    }
    if (err == RdKafka::ERR__UNKNOWN_TOPIC ||
        err == RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED) {
      return absl::UnavailableError(
          Cat(m->topic_name().empty() ? "" : Cat(m->topic_name(), ": "), m->errstr()));
    }
    auto found = by_partition.find({m->topic_name(), m->partition()});
    if (found == by_partition.end()) continue;  // the client's: it retries
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__PARTITION_EOF) {
      // A partition's error: librdkafka retries too.
      if (options.diagnostics != nullptr) {
        *options.diagnostics << "orderflow: " << m->errstr() << "\n";
      }
      continue;
    }
    PartitionRange& range = *found->second;
    last_progress = Clock::now();
    if (err == RdKafka::ERR__PARTITION_EOF) {
      // Where a read_committed reader ends now: the last stable offset,
      // short of `end` while a transaction below it is open.
      if (m->offset() >= range.end) range.done = true;
      continue;
    }
    if (range.done || m->offset() >= range.end) {
      range.done = true;  // past the end (written after the read started)
      continue;
    }
    if (m->offset() + 1 >= range.end) range.done = true;
    ++stats.records;
    on_record(range.topic, *m);
  }
  stats.unfinished = unfinished();
  return stats;
}

}  // namespace orderflow
