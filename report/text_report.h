// The weekly report as plain text, for a terminal or an e-mail: the
// headline table (summary_rows.h) and the top three problems.
#ifndef ORDERFLOW_REPORT_TEXT_REPORT_H_
#define ORDERFLOW_REPORT_TEXT_REPORT_H_

#include <string>
#include <vector>

#include "report/weekly_report.h"

namespace orderflow {

// Lines about the report as a whole: where the records came from, what
// was skipped, whether the data covers the week. Shared by both renderers.
std::vector<std::string> ReportNotes(const WeeklyReport& report,
                                     const std::vector<std::string>& extra);

// `notes`: extra lines for the head (e.g. "2 bad lines skipped").
std::string RenderText(const WeeklyReport& report,
                       const std::vector<std::string>& notes = {});

// "1. SHIP_DEADLINE_MISSED: 3 raised, e.g. O-3, O-7, O-9"
std::string DescribeProblem(size_t rank, const Problem& problem);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_TEXT_REPORT_H_
