// The weekly report as one self-contained HTML page: inline CSS, charts as
// inline SVG (svg_chart.h), no script, nothing fetched. The headline table
// has the same rows and the same numbers as the text (summary_rows.h).
#ifndef ORDERFLOW_REPORT_HTML_REPORT_H_
#define ORDERFLOW_REPORT_HTML_REPORT_H_

#include <string>
#include <vector>

#include "report/weekly_report.h"

namespace orderflow {

std::string RenderHtml(const WeeklyReport& report,
                       const std::vector<std::string>& notes = {});

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_HTML_REPORT_H_
