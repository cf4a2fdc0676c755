#include "engine/time.h"

#include <chrono>

#include "absl/time/time.h"

namespace orderflow {

std::string FormatTime(EpochMillis ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(ms),
                          absl::UTCTimeZone());
}

int64_t DayNumber(int year, unsigned month, unsigned day) {
  namespace chr = std::chrono;
  const chr::year_month ym =
      chr::year(year) / chr::month(1) + chr::months(month - 1);
  return chr::sys_days(ym / chr::day(day)).time_since_epoch().count();
}

}  // namespace orderflow
