// The monthly root-cause review as plain text (and the pieces of it the
// HTML page shows the same way): the two top-three lists, holds by type,
// contacts per 100 orders.
#ifndef ORDERFLOW_REPORT_MONTHLY_TEXT_H_
#define ORDERFLOW_REPORT_MONTHLY_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "report/monthly_report.h"

namespace orderflow {

// The change from `previous` to `current`: "+3 (+150.0 %)", "-1 (-50.0 %)",
// "0 (0.0 %)", "new" when only the month has some, "0" when neither has.
std::string FormatChange(int64_t current, int64_t previous);

// Per 100 orders with one decimal, "n/a" without orders.
std::string FormatPer100(int64_t count, int64_t orders);

// "1. SHIP_DEADLINE_MISSED: 4 raised, 2026-02: 1, +3 (+300.0 %), e.g. M-1, M-2"
// (`unit` "raised", or "contacts": "1 contact", "2 contacts").
std::string DescribeRankedProblem(size_t rank, const RankedProblem& problem,
                                  const CalendarMonth& previous_month,
                                  std::string_view unit);

// Lines about the report as a whole: what was read, what was skipped,
// whether the data covers the month. Shared by both renderers.
std::vector<std::string> MonthlyNotes(const MonthlyReport& report,
                                      const std::vector<std::string>& extra);

// "2026-03-01 to 2026-03-31"
std::string MonthSpan(const CalendarMonth& month);

std::string RenderMonthlyText(const MonthlyReport& report,
                              const std::vector<std::string>& notes = {});

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_MONTHLY_TEXT_H_
