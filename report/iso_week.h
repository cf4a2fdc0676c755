// ISO 8601 weeks, in UTC: a week runs from Monday 00:00Z to the next
// Monday 00:00Z, and week 1 of a year is the week with its first Thursday
// (the one holding 4 January). "2026-W09" is Monday 2026-02-23 to Sunday
// 2026-03-01.
#ifndef ORDERFLOW_REPORT_ISO_WEEK_H_
#define ORDERFLOW_REPORT_ISO_WEEK_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/time.h"

namespace orderflow {

struct IsoWeek {
  int year = 0;  // the ISO week-numbering year (may differ from the calendar year)
  int week = 0;  // 1..52 or 53

  EpochMillis start() const;  // Monday 00:00Z
  EpochMillis end() const { return start() + Days(7); }  // next Monday 00:00Z
  IsoWeek Previous() const;
  std::string Name() const;  // "2026-W09"

  friend bool operator==(const IsoWeek&, const IsoWeek&) = default;
};

// "2026-W09" (four-digit year, two-digit week). On failure, nullopt and a
// one-line reason in `error`.
std::optional<IsoWeek> ParseIsoWeek(std::string_view text, std::string* error);

// The week `time` falls in.
IsoWeek IsoWeekOf(EpochMillis time);

// Weeks in an ISO year: 52 or 53.
int IsoWeeksInYear(int year);

// "2026-02-23", and "Mon" for a day's start.
std::string FormatDate(EpochMillis time);
std::string_view WeekdayName(EpochMillis time);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_ISO_WEEK_H_
