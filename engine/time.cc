#include "engine/time.h"

#include <chrono>
#include <cstdio>

namespace orderflow {

namespace {

// Writes `value` (0 <= value < 10^digits) in `digits` digits at `p`.
char* WriteDigits(unsigned value, int digits, char* p) {
  for (int i = digits - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + digits;
}

}  // namespace

std::string FormatRfc3339(EpochMillis ms) {
  namespace chr = std::chrono;
  const SecondsAndNanos split = SplitMillis(ms);
  const chr::sys_seconds seconds{chr::seconds(split.seconds)};
  const chr::sys_days day = chr::floor<chr::days>(seconds);
  const chr::year_month_day date(day);
  const chr::hh_mm_ss time(seconds - day);
  const int year = static_cast<int>(date.year());
  char text[48];
  int n;
  if (year >= 0 && year <= 9999) {
    // Every time the engine writes (escalation ids and messages): digits
    // written directly, without snprintf's thousands of instructions.
    char* p = WriteDigits(static_cast<unsigned>(year), 4, text);
    *p++ = '-';
    p = WriteDigits(static_cast<unsigned>(date.month()), 2, p);
    *p++ = '-';
    p = WriteDigits(static_cast<unsigned>(date.day()), 2, p);
    *p++ = 'T';
    p = WriteDigits(static_cast<unsigned>(time.hours().count()), 2, p);
    *p++ = ':';
    p = WriteDigits(static_cast<unsigned>(time.minutes().count()), 2, p);
    *p++ = ':';
    p = WriteDigits(static_cast<unsigned>(time.seconds().count()), 2, p);
    n = static_cast<int>(p - text);
  } else {
    n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", year,
                      static_cast<unsigned>(date.month()),
                      static_cast<unsigned>(date.day()),
                      static_cast<int>(time.hours().count()),
                      static_cast<int>(time.minutes().count()),
                      static_cast<int>(time.seconds().count()));
  }
  if (split.nanos != 0) {
    text[n++] = '.';
    WriteDigits(static_cast<unsigned>(split.nanos / 1000000), 3, text + n);
    n += 3;
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
