// Calendar months in UTC: "2026-03" runs from 2026-03-01T00:00Z to
// 2026-04-01T00:00Z (exclusive), the unit of the monthly review.
#ifndef ORDERFLOW_REPORT_CALENDAR_MONTH_H_
#define ORDERFLOW_REPORT_CALENDAR_MONTH_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/time.h"

namespace orderflow {

struct CalendarMonth {
  int year = 0;
  int month = 0;  // 1..12

  EpochMillis start() const;  // the 1st, 00:00Z
  EpochMillis end() const;    // the 1st of the next month, 00:00Z
  int days() const { return static_cast<int>((end() - start()) / Days(1)); }
  CalendarMonth Previous() const;
  std::string Name() const;  // "2026-03"

  friend bool operator==(const CalendarMonth&, const CalendarMonth&) = default;
};

// "2026-03" (four-digit year, two-digit month). On failure, nullopt and a
// one-line reason in `error`.
std::optional<CalendarMonth> ParseCalendarMonth(std::string_view text,
                                                std::string* error);

// "March 2026".
std::string DescribeMonth(const CalendarMonth& month);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_CALENDAR_MONTH_H_
