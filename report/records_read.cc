#include "report/records_read.h"

#include "engine/text.h"

namespace orderflow {

void RecordsRead::Seen(EpochMillis time) {
  if (first_time == 0 || time < first_time) first_time = time;
  if (time > last_time) last_time = time;
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return Cat(n, " ", n == 1 ? one : many);
}

std::string DescribeRead(const RecordsRead& read, std::string_view more) {
  std::string out =
      Cat("read ", Plural(read.status_changes, "status change", "status changes"), ", ",
          Plural(read.escalations, "escalation", "escalations"), ", ",
          Plural(read.dead_letters, "dead letter", "dead letters"), more);
  if (read.last_time != 0) {
    out += Cat(", ", FormatTime(read.first_time), " to ", FormatTime(read.last_time));
  }
  return out;
}

}  // namespace orderflow
