// The report's numbers as people read them, once, for both the text and
// the HTML: one row per metric with this week, the week before and the
// change.
//
//   counts      "12", change "+4" (absolute)
//   rates       "91.7 %", change "+4.2 pp" (percentage points)
//   durations   "26h40m" (to the minute), change "-1h05m"
//   "n/a" where there is nothing to measure (a rate over zero orders, a
//   percentile of no samples), and for a change when either side is n/a.
#ifndef ORDERFLOW_REPORT_SUMMARY_ROWS_H_
#define ORDERFLOW_REPORT_SUMMARY_ROWS_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/time.h"
#include "report/weekly_report.h"

namespace orderflow {

struct SummaryRow {
  std::string label;
  std::string current, previous, change;
  // Which way is good: +1 a rise, -1 a fall, 0 neither (for colouring).
  int better = 0;
};

struct SummarySection {
  std::string title;
  std::vector<SummaryRow> rows;
};

std::vector<SummarySection> SummarySections(const WeeklyReport& report);

std::string FormatRate(const std::optional<double>& rate);  // "91.7 %"
std::string FormatDuration(const std::optional<Millis>& d);  // "26h40m"
// "Mon 2026-03-02 to Sun 2026-03-08"
std::string DescribeWeek(const IsoWeek& week);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_SUMMARY_ROWS_H_
