#include "report/calendar_month.h"

#include <cstdio>

#include "engine/text.h"

namespace orderflow {

EpochMillis CalendarMonth::start() const {
  return Days(DayNumber(year, static_cast<unsigned>(month), 1));
}

EpochMillis CalendarMonth::end() const {
  // DayNumber runs month 13 on into January of the next year.
  return Days(DayNumber(year, static_cast<unsigned>(month) + 1, 1));
}

CalendarMonth CalendarMonth::Previous() const {
  return month == 1 ? CalendarMonth{year - 1, 12} : CalendarMonth{year, month - 1};
}

std::string CalendarMonth::Name() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::optional<CalendarMonth> ParseCalendarMonth(std::string_view text,
                                                std::string* error) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (text.size() != 7 || !digits(0, 4) || text[4] != '-' || !digits(5, 2)) {
    *error = "expected a month like 2026-03";
    return std::nullopt;
  }
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int month = std::stoi(std::string(text.substr(5, 2)));
  if (year < 1971) {
    *error = "the year must be 1971 or later";
    return std::nullopt;
  }
  if (month < 1 || month > 12) {
    *error = "the month must be 01 to 12";
    return std::nullopt;
  }
  return CalendarMonth{year, month};
}

std::string DescribeMonth(const CalendarMonth& m) {
  static constexpr std::string_view kNames[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return Cat(kNames[m.month - 1], " ", m.year);
}

}  // namespace orderflow
