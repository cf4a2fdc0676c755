// Output records into a WeeklyReportBuilder: from a JSON Lines file as
// `orderflow replay` (or `orderflow tail`) writes them,
//
//   {"topic":"order-status","key":"O-1","timestamp":"...","value":{...}}
//
// reading `order-status`, `escalations`, `dead-letter` and
// `amendment-results` and passing over `delivery-tasks`. A line that cannot be used is named on `diagnostics`
// with its line number, counted and skipped; the rest is read.
#ifndef ORDERFLOW_REPORT_READ_RECORDS_H_
#define ORDERFLOW_REPORT_READ_RECORDS_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "report/weekly_report.h"

namespace orderflow {

struct ReadStats {
  int64_t lines = 0;    // non-blank lines, or Kafka records
  int64_t used = 0;     // records given to the builder
  int64_t ignored = 0;  // records of topics the report does not read
  int64_t bad = 0;      // skipped with a warning
  bool read_error = false;  // the stream failed before its end

  // "120 records used, 30 delivery tasks passed over, 1 bad line skipped"
  std::string Summary() const;
};

// Gives one decoded record of `topic` (order-status: OrderStatusChanged,
// escalations: Escalation, dead-letter: DeadLetter, amendment-results:
// AmendmentResult) to the builder; an
// event time left out is taken from `record_time`. False for other topics.
bool AddOutputRecord(Topic topic, google::protobuf::Message& value,
                     std::optional<EpochMillis> record_time,
                     WeeklyReportBuilder& builder);

// At most this many bad lines are named one by one; the rest are counted.
inline constexpr int64_t kMaxWarnings = 50;

// `name` is how the input is named in warnings ("week.jsonl:7: ...").
ReadStats ReadJsonLines(std::istream& in, const std::string& name,
                        WeeklyReportBuilder& builder, std::ostream& diagnostics);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_READ_RECORDS_H_
