#include "report/iso_week.h"

#include <chrono>
#include <cstdio>

namespace orderflow {
namespace {

namespace chr = std::chrono;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday.
int64_t WeekdayOf(int64_t day_number) { return ((day_number + 3) % 7 + 7) % 7; }

// Day number of the Monday of week 1 of ISO year `year`.
int64_t Week1Monday(int year) {
  const int64_t jan4 = DayNumber(year, 1, 4);
  return jan4 - WeekdayOf(jan4);
}

}  // namespace

int IsoWeeksInYear(int year) {
  return static_cast<int>((Week1Monday(year + 1) - Week1Monday(year)) / 7);
}

EpochMillis IsoWeek::start() const {
  return Days(Week1Monday(year) + 7 * static_cast<int64_t>(week - 1));
}

IsoWeek IsoWeek::Previous() const { return IsoWeekOf(start() - Days(1)); }

std::string IsoWeek::Name() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", year, week);
  return buf;
}

IsoWeek IsoWeekOf(EpochMillis time) {
  const int64_t day = FloorDiv(time, Days(1));
  // The Thursday of the same week decides the year.
  const int64_t thursday = day - WeekdayOf(day) + 3;
  const chr::year_month_day ymd{chr::sys_days(chr::days(thursday))};
  const int year = static_cast<int>(ymd.year());
  return IsoWeek{year, static_cast<int>((day - Week1Monday(year)) / 7) + 1};
}

std::optional<IsoWeek> ParseIsoWeek(std::string_view text, std::string* error) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (text.size() != 8 || !digits(0, 4) || text[4] != '-' ||
      (text[5] != 'W' && text[5] != 'w') || !digits(6, 2)) {
    *error = "expected an ISO week like 2026-W09";
    return std::nullopt;
  }
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int week = std::stoi(std::string(text.substr(6, 2)));
  const int weeks = IsoWeeksInYear(year);
  if (year < 1971 || week < 1 || week > weeks) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d has ISO weeks W01 to W%02d", year, weeks);
    *error = year < 1971 ? "the year must be 1971 or later" : buf;
    return std::nullopt;
  }
  return IsoWeek{year, week};
}

std::string FormatDate(EpochMillis time) {
  const chr::year_month_day ymd{
      chr::sys_days(chr::days(FloorDiv(time, Days(1))))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string_view WeekdayName(EpochMillis time) {
  static constexpr std::string_view kNames[] = {"Mon", "Tue", "Wed", "Thu",
                                                "Fri", "Sat", "Sun"};
  return kNames[WeekdayOf(FloorDiv(time, Days(1)))];
}

}  // namespace orderflow
