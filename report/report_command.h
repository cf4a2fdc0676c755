// `orderflow report`: the weekly report (--week) or the monthly root-cause
// review (--month) from a replay output file or from Kafka, as text on
// stdout (and --text), HTML (--html) and, for the week, JSON (--json).
// The monthly review reads inputs too: a replay's input file given as a
// second --from (or the input topics, from Kafka).
#ifndef ORDERFLOW_REPORT_REPORT_COMMAND_H_
#define ORDERFLOW_REPORT_REPORT_COMMAND_H_

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "report/weekly_report.h"

namespace orderflow {

struct ReportOptions {
  std::string week;         // "2026-W09", or
  std::string month;        // "2026-03"
  // Replay files ("-": standard input): the output, and for the month its
  // input; or
  std::vector<std::string> from;
  std::string config_path;  // read the configuration's Kafka
  std::string html_path;    // default report-<week or month>.html; "-" for none
  std::string text_path;    // also write the text here
  std::string json_path;    // the figures as JSON (observe/metrics_json.h per period)
};

// 0 done; 1 the input cannot be read or an output written; 2 a bad
// argument (one line on `err`).
int RunReport(const ReportOptions& options, const std::atomic<bool>& stop,
              std::ostream& out, std::ostream& err);

// The report's figures as JSON: the week, the week before and each day in
// the form of MetricsToJson, and the top problems.
nlohmann::ordered_json ReportToJson(const WeeklyReport& report);

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_REPORT_COMMAND_H_
