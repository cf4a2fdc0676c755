// `orderflow report`: the weekly report from a replay output file or from
// Kafka, as text on stdout (and --text), HTML (--html) and JSON (--json).
#ifndef ORDERFLOW_REPORT_REPORT_COMMAND_H_
#define ORDERFLOW_REPORT_REPORT_COMMAND_H_

#include <atomic>
#include <ostream>
#include <string>

#include "nlohmann/json.hpp"
#include "report/weekly_report.h"

namespace orderflow {

struct ReportOptions {
  std::string week;         // "2026-W09"
  std::string from;         // a replay output file ("-": standard input), or
  std::string config_path;  // read the configuration's Kafka
  std::string html_path;    // default report-<week>.html; "-" for none
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
