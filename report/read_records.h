// Output records into a report (record_sink.h): from a JSON Lines file as
// `orderflow replay` (or `orderflow tail`) writes them,
//
//   {"topic":"order-status","key":"O-1","timestamp":"...","value":{...}}
//
// reading `order-status`, `escalations`, `dead-letter` and
// `amendment-results` and passing over `delivery-tasks`. A report that
// reads inputs (the monthly) takes a replay input file too: `orders`,
// `holds` and `customer-contacts` are read, the other input topics and
// clock lines passed over. A line that cannot be used is named on
// `diagnostics` with its line number, counted and skipped; the rest is read.
#ifndef ORDERFLOW_REPORT_READ_RECORDS_H_
#define ORDERFLOW_REPORT_READ_RECORDS_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "report/record_sink.h"

namespace orderflow {

struct ReadStats {
  int64_t lines = 0;    // non-blank lines, or Kafka records
  int64_t used = 0;     // records given to the builder
  int64_t ignored = 0;  // delivery tasks (and other outputs) not read
  int64_t inputs_ignored = 0;  // input records and clock lines not read
  int64_t bad = 0;      // skipped with a warning
  bool read_error = false;  // the stream failed before its end

  // "120 records used, 30 delivery tasks passed over, 1 bad line skipped"
  std::string Summary() const;
};

// Gives one decoded record of `topic` (order-status: OrderStatusChanged,
// escalations: Escalation, dead-letter: DeadLetter, amendment-results:
// AmendmentResult; and when the sink reads inputs, orders: OrderPlaced,
// holds: HoldEvent, customer-contacts: CustomerContact) to the sink; an
// event time left out is taken from `record_time`. False for other topics.
bool AddRecord(Topic topic, google::protobuf::Message& value,
               std::optional<EpochMillis> record_time, RecordSink& sink);

// orders, holds and customer-contacts: the input topics a report reads.
bool ReadsInputTopic(Topic topic);

// At most this many bad lines are named one by one; the rest are counted.
inline constexpr int64_t kMaxWarnings = 50;

// `name` is how the input is named in warnings ("week.jsonl:7: ...").
ReadStats ReadJsonLines(std::istream& in, const std::string& name,
                        RecordSink& sink, std::ostream& diagnostics);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_READ_RECORDS_H_
