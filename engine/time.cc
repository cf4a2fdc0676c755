#include "engine/time.h"

#include <chrono>
#include <cstdio>

namespace orderflow {

std::string FormatRfc3339(EpochMillis ms) {
  namespace chr = std::chrono;
  const SecondsAndNanos split = SplitMillis(ms);
  const chr::sys_seconds seconds{chr::seconds(split.seconds)};
  const chr::sys_days day = chr::floor<chr::days>(seconds);
  const chr::year_month_day date(day);
  const chr::hh_mm_ss time(seconds - day);
  char text[48];
  int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()),
                        static_cast<int>(time.hours().count()),
                        static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  if (split.nanos != 0) {
    n += std::snprintf(text + n, sizeof text - n, ".%03d",
                       split.nanos / 1000000);
  }
  text[n] = 'Z';
  return std::string(text, n + 1);
}

std::string FormatTime(EpochMillis ms) {
  return FormatRfc3339(SplitMillis(ms).seconds * 1000);
}

int64_t DayNumber(int year, unsigned month, unsigned day) {
  namespace chr = std::chrono;
  const chr::year_month ym =
      chr::year(year) / chr::month(1) + chr::months(month - 1);
  return chr::sys_days(ym / chr::day(day)).time_since_epoch().count();
}

}  // namespace orderflow
