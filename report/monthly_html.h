// The monthly root-cause review as one self-contained HTML page: inline
// CSS, charts as inline SVG (svg_chart.h), no script, nothing fetched.
// The top problems read as in the text (monthly_text.h), word for word.
#ifndef ORDERFLOW_REPORT_MONTHLY_HTML_H_
#define ORDERFLOW_REPORT_MONTHLY_HTML_H_

#include <string>
#include <vector>

#include "report/monthly_report.h"

namespace orderflow {

std::string RenderMonthlyHtml(const MonthlyReport& report,
                              const std::vector<std::string>& notes = {});

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_MONTHLY_HTML_H_
