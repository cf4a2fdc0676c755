// What a report read (the weekly and the monthly alike): how many output
// records of each kind, and the span of their event times, for the
// "read ..." line under the report's heading.
#ifndef ORDERFLOW_REPORT_RECORDS_READ_H_
#define ORDERFLOW_REPORT_RECORDS_READ_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/time.h"

namespace orderflow {

struct RecordsRead {
  int64_t status_changes = 0;
  int64_t escalations = 0;
  int64_t dead_letters = 0;
  EpochMillis first_time = 0, last_time = 0;  // of the records read; 0 if none

  // Widens the span to a record's event time.
  void Seen(EpochMillis time);
};

// "3 orders", "1 order".
std::string Plural(int64_t n, std::string_view one, std::string_view many);

// "read 5 status changes, 1 escalation, 0 dead letters<more>, <first> to
// <last>" (no span when nothing was read).
std::string DescribeRead(const RecordsRead& read, std::string_view more = "");

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_RECORDS_READ_H_
