// The report's records from Kafka: the output topics `order-status`,
// `escalations` and `dead-letter` of the configuration's prefix (and
// `orders`, `holds` and `customer-contacts` for a sink that reads inputs), every
// partition, read_committed, from the beginning up to the end offsets
// found when reading starts (what is written meanwhile is left for the
// next report). No consumer group offsets are committed.
#ifndef ORDERFLOW_REPORT_KAFKA_SOURCE_H_
#define ORDERFLOW_REPORT_KAFKA_SOURCE_H_

#include <atomic>
#include <ostream>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "report/read_records.h"
#include "report/record_sink.h"

namespace orderflow {

struct KafkaReadOptions {
  // Give up on partitions that make no progress for this long (an open
  // transaction holds read_committed readers back), naming them.
  int idle_timeout_ms = 30000;
};

// An error when the broker cannot be reached or a topic is missing. An
// undecodable record is named on `diagnostics` and counted as bad.
absl::StatusOr<ReadStats> ReadKafkaTopics(const Config& config,
                                          RecordSink& builder,
                                          std::ostream& diagnostics,
                                          const std::atomic<bool>& stop,
                                          const KafkaReadOptions& options = {});

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_KAFKA_SOURCE_H_
