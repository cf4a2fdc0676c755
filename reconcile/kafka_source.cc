// ReadKafka (sources.h): the three topics read to their end offsets.
#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "consumers/kafka_client.h"
#include "consumers/topic_names.h"
#include "engine/text.h"
#include "librdkafka/rdkafkacpp.h"
#include "reconcile/sources.h"

namespace orderflow {
namespace {

struct PartitionEnd {
  int64_t end = 0;  // the high watermark when the read started
  bool done = false;
};

}  // namespace

absl::Status ReadKafka(const Config& config, ReconcileRecords* records,
                       ReadCounts* counts) {
  auto conf = MakeKafkaConf(
      config.kafka, {{"group.id", Cat(config.kafka.group_prefix, ".reconcile")},
                     {"enable.auto.commit", "false"},
                     {"isolation.level", "read_committed"},
                     {"enable.partition.eof", "true"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return absl::InvalidArgumentError(error);

  const Topic topics[] = {Topic::kOrders, Topic::kInvoices, Topic::kOrderStatus};
  std::map<std::string, Topic> topic_of;
  std::map<std::pair<std::string, int32_t>, PartitionEnd> ends;
  std::vector<RdKafka::TopicPartition*> assignment;
  absl::Status status = absl::OkStatus();
  for (Topic t : topics) {
    const std::string name = KafkaTopic(config.kafka.topic_prefix, t);
    topic_of[name] = t;
    std::unique_ptr<RdKafka::Topic> handle(
        RdKafka::Topic::create(consumer.get(), name, nullptr, error));
    RdKafka::Metadata* raw = nullptr;
    const RdKafka::ErrorCode code =
        consumer->metadata(false, handle.get(), &raw, 10000);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    int partitions = 0;
    if (code == RdKafka::ERR_NO_ERROR && !metadata->topics()->empty() &&
        metadata->topics()->at(0)->err() == RdKafka::ERR_NO_ERROR) {
      partitions = static_cast<int>(metadata->topics()->at(0)->partitions()->size());
    }
    if (partitions == 0) {
      status = absl::NotFoundError(
          Cat("topic ", name, " not found at ", config.kafka.bootstrap_servers,
              code != RdKafka::ERR_NO_ERROR ? Cat(" (", Describe(code), ")") : ""));
      break;
    }
    for (int p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      const RdKafka::ErrorCode e =
          consumer->query_watermark_offsets(name, p, &low, &high, 10000);
      if (e != RdKafka::ERR_NO_ERROR) {
        status = absl::UnavailableError(
            Cat("end offset of ", name, " [", p, "]: ", Describe(e)));
        break;
      }
      ends[{name, p}] = PartitionEnd{high, high <= low};
      assignment.push_back(RdKafka::TopicPartition::create(
          name, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
    if (!status.ok()) break;
  }
  if (status.ok()) {
    const RdKafka::ErrorCode e = consumer->assign(assignment);
    if (e != RdKafka::ERR_NO_ERROR) status = absl::UnavailableError(Describe(e));
  }
  RdKafka::TopicPartition::destroy(assignment);

  auto remaining = [&ends] {
    size_t n = 0;
    for (const auto& [tp, end] : ends) n += !end.done;
    return n;
  };
  // Gives up when nothing at all arrives for this long.
  constexpr auto kQuiet = std::chrono::seconds(30);
  auto last_progress = std::chrono::steady_clock::now();
  while (status.ok() && remaining() > 0) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    const auto now = std::chrono::steady_clock::now();
    if (m->err() == RdKafka::ERR__TIMED_OUT) {
      if (now - last_progress > kQuiet) {
        status = absl::DeadlineExceededError(
            Cat("no records from ", config.kafka.bootstrap_servers, " for ",
                std::chrono::duration_cast<std::chrono::seconds>(kQuiet).count(),
                " s; ", remaining(), " partitions not read to their end"));
      }
      continue;
    }
    auto end = ends.find({m->topic_name(), m->partition()});
    if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      if (end != ends.end()) end->second.done = true;
      last_progress = now;
      continue;
    }
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      if (m->err() == RdKafka::ERR__UNKNOWN_TOPIC ||
          m->err() == RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED) {
        status = absl::UnavailableError(m->errstr());
      }
      continue;  // transient: librdkafka retries
    }
    last_progress = now;
    if (end == ends.end() || end->second.done ||
        m->offset() >= end->second.end) {
      continue;  // came after the read started
    }
    if (m->offset() + 1 >= end->second.end) end->second.done = true;
    const std::string key = m->key() ? *m->key() : std::string();
    const void* data = m->payload();
    const int size = static_cast<int>(m->len());
    bool used = false;
    switch (topic_of[m->topic_name()]) {
      case Topic::kOrders: {
        v1::OrderPlaced order;
        if ((used = data != nullptr && order.ParseFromArray(data, size))) {
          records->AddOrder(order);
        }
        break;
      }
      case Topic::kInvoices: {
        v1::InvoiceIssued invoice;
        if ((used = data != nullptr && invoice.ParseFromArray(data, size))) {
          records->AddInvoice(invoice, key);
        }
        break;
      }
      default: {
        v1::OrderStatusChanged change;
        if ((used = data != nullptr && change.ParseFromArray(data, size))) {
          records->AddStatus(change);
        }
        break;
      }
    }
    if (used) {
      ++counts->records;
    } else {
      ++counts->unusable_input_lines;
    }
  }
  consumer->close();
  return status;
}

}  // namespace orderflow
