#include "report/report_command.h"

#include <fstream>
#include <iostream>

#include "config/config_file.h"
#include "engine/escalations.h"
#include "engine/text.h"
#include "observe/metrics_json.h"
#include "replay/command_files.h"
#include "report/html_report.h"
#include "report/kafka_source.h"
#include "report/monthly_html.h"
#include "report/monthly_report.h"
#include "report/monthly_text.h"
#include "report/read_records.h"
#include "report/text_report.h"

namespace orderflow {
namespace {

nlohmann::ordered_json PeriodJson(const PeriodFigures& p) {
  nlohmann::ordered_json j = MetricsToJson({p.end, p.metrics, p.backlog_at_end});
  j["from"] = FormatTime(p.start);
  j["deadLetters"] = p.dead_letters;
  return j;
}

bool WriteFile(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << "orderflow: " << path << ": cannot write\n";
    return false;
  }
  return true;
}

}  // namespace

nlohmann::ordered_json ReportToJson(const WeeklyReport& r) {
  nlohmann::ordered_json j;
  j["week"] = r.week.Name();
  j["previousWeek"] = r.previous_week.Name();
  j["current"] = PeriodJson(r.current);
  j["previous"] = PeriodJson(r.previous);
  j["days"] = nlohmann::ordered_json::array();
  for (const PeriodFigures& d : r.days) j["days"].push_back(PeriodJson(d));
  j["topProblems"] = nlohmann::ordered_json::array();
  for (const Problem& p : r.top_problems) {
    j["topProblems"].push_back({{"kind", KindName(p.kind)},
                                {"raised", p.raised},
                                {"exampleOrders", p.example_orders}});
  }
  return j;
}

namespace {

bool HasOneSource(const ReportOptions& o, std::ostream& err) {
  if (o.from.empty() != o.config_path.empty()) return true;
  err << "orderflow: report reads either --from FILE (a replay output) or "
         "--config FILE (the output topics on Kafka)\n";
  return false;
}

// Reads the records of --from or --config into `sink`: 0, or the exit code.
int ReadSource(const ReportOptions& o, const std::atomic<bool>& stop, RecordSink& sink,
               ReadStats& stats, std::string& source, std::ostream& err) {
  if (!o.from.empty()) {
    std::vector<std::string> names;
    for (const std::string& from : o.from) {
      std::ifstream file;
      const std::string name = from == "-" ? "stdin" : from;
      names.push_back(name);
      std::istream* in = OpenInput(from, file, err);
      if (in == nullptr) return 1;
      const ReadStats read = ReadJsonLines(*in, name, sink, err);
      if (read.read_error) {
        err << "orderflow: " << name << ": read error after " << read.lines
            << " lines\n";
        return 1;
      }
      stats.lines += read.lines;
      stats.used += read.used;
      stats.ignored += read.ignored;
      stats.inputs_ignored += read.inputs_ignored;
      stats.bad += read.bad;
    }
    source = Join(names, ", ");
    return 0;
  }
  absl::StatusOr<Config> config = LoadConfigFile(o.config_path);
  if (!config.ok()) {
    err << "orderflow: " << config.status().message() << "\n";
    return 2;
  }
  source = Cat("Kafka ", config->kafka.bootstrap_servers);
  absl::StatusOr<ReadStats> read = ReadKafkaTopics(*config, sink, err, stop);
  if (!read.ok()) {
    err << "orderflow: " << read.status().message() << "\n";
    return 1;
  }
  stats = *read;
  return 0;
}

std::vector<std::string> BadLineNotes(const ReadStats& stats) {
  std::vector<std::string> notes;
  if (stats.bad > 0) {
    notes.push_back(Cat(stats.bad, stats.bad == 1 ? " bad line" : " bad lines",
                        " skipped (named on stderr)"));
  }
  return notes;
}

int RunMonthlyReport(const ReportOptions& o, const std::atomic<bool>& stop,
                     std::ostream& out, std::ostream& err) {
  std::string why;
  const std::optional<CalendarMonth> month = ParseCalendarMonth(o.month, &why);
  if (!month) {
    err << "orderflow: --month " << o.month << ": " << why << "\n";
    return 2;
  }
  if (!o.json_path.empty()) {
    err << "orderflow: --json is for the weekly report\n";
    return 2;
  }
  if (!HasOneSource(o, err)) return 2;
  MonthlyReportBuilder builder(*month);
  ReadStats stats;
  std::string source;
  if (const int rc = ReadSource(o, stop, builder, stats, source, err); rc != 0) {
    return rc;
  }
  const MonthlyReport report = builder.Build();
  const std::vector<std::string> notes = BadLineNotes(stats);
  const std::string text = RenderMonthlyText(report, notes);
  out << text;
  out.flush();
  if (!o.text_path.empty() && !WriteFile(o.text_path, text, err)) return 1;
  const std::string html_path =
      o.html_path.empty() ? Cat("report-", month->Name(), ".html") : o.html_path;
  if (html_path != "-" &&
      !WriteFile(html_path, RenderMonthlyHtml(report, notes), err)) {
    return 1;
  }
  err << "report " << month->Name() << ": " << source << ": " << stats.Summary();
  if (html_path != "-") err << "; wrote " << html_path;
  err << "\n";
  return 0;
}

}  // namespace

int RunReport(const ReportOptions& o, const std::atomic<bool>& stop,
              std::ostream& out, std::ostream& err) {
  if (!o.week.empty() && !o.month.empty()) {
    err << "orderflow: report takes either --week or --month, not both\n";
    return 2;
  }
  if (o.week.empty() && o.month.empty()) {
    err << "orderflow: report needs --week, an ISO week like 2026-W09 (or "
           "--month, like 2026-03)\n";
    return 2;
  }
  if (!o.month.empty()) return RunMonthlyReport(o, stop, out, err);
  std::string why;
  const std::optional<IsoWeek> week = ParseIsoWeek(o.week, &why);
  if (!week) {
    err << "orderflow: --week " << o.week << ": " << why << "\n";
    return 2;
  }
  if (!HasOneSource(o, err)) return 2;

  WeeklyReportBuilder builder(*week);
  ReadStats stats;
  std::string source;
  if (const int rc = ReadSource(o, stop, builder, stats, source, err); rc != 0) {
    return rc;
  }

  const WeeklyReport report = builder.Build();
  const std::vector<std::string> notes = BadLineNotes(stats);
  const std::string text = RenderText(report, notes);
  out << text;
  out.flush();
  if (!o.text_path.empty() && !WriteFile(o.text_path, text, err)) return 1;
  const std::string html_path =
      o.html_path.empty() ? Cat("report-", week->Name(), ".html") : o.html_path;
  if (html_path != "-" && !WriteFile(html_path, RenderHtml(report, notes), err)) {
    return 1;
  }
  if (!o.json_path.empty() &&
      !WriteFile(o.json_path, ReportToJson(report).dump(2) + "\n", err)) {
    return 1;
  }
  err << "report " << week->Name() << ": " << source << ": " << stats.Summary();
  if (html_path != "-") err << "; wrote " << html_path;
  err << "\n";
  return 0;
}

}  // namespace orderflow
