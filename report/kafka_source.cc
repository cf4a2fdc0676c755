#include "report/kafka_source.h"

#include <memory>
#include <optional>
#include <vector>

#include "kafka/kafka_io.h"

namespace orderflow {

absl::StatusOr<ReadStats> ReadKafkaTopics(const Config& config,
                                          RecordSink& builder,
                                          std::ostream& diagnostics,
                                          const std::atomic<bool>& stop,
                                          const KafkaReadOptions& options) {
  ReadStats stats;
  auto add = [&](Topic topic, const RdKafka::Message& m) {
    ++stats.lines;
    std::unique_ptr<google::protobuf::Message> value(MessageTypeOf(topic).New());
    if (m.payload() == nullptr ||
        !value->ParseFromArray(m.payload(), static_cast<int>(m.len()))) {
      if (++stats.bad <= kMaxWarnings) {
        diagnostics << m.topic_name() << " [" << m.partition() << "] offset "
                    << m.offset() << ": not a " << value->GetTypeName()
                    << " (skipped)\n";
      }
      return;
    }
    const int64_t ts = m.timestamp().timestamp;
    AddRecord(topic, *value,
                    ts > 0 ? std::optional<EpochMillis>(ts) : std::nullopt, builder);
    ++stats.used;
  };
  std::vector<Topic> topics = {Topic::kOrderStatus, Topic::kEscalations,
                               Topic::kDeadLetter, Topic::kAmendmentResults};
  if (builder.ReadsInputs()) {
    topics.insert(topics.end(),
                  {Topic::kOrders, Topic::kHolds, Topic::kCustomerContacts});
  }
  const absl::StatusOr<ReadToEndStats> read = ReadTopicsToEnd(
      config, topics, add,
      {.group_suffix = ".report",
       .idle_timeout_ms = options.idle_timeout_ms,
       .partial_on_stall = true,
       .diagnostics = &diagnostics,
       .stop = &stop});
  if (!read.ok()) return read.status();
  if (stats.bad > kMaxWarnings) {
    diagnostics << "orderflow: " << stats.bad - kMaxWarnings
                << " more undecodable records skipped\n";
  }
  return stats;
}

}  // namespace orderflow
