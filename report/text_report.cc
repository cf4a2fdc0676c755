#include "report/text_report.h"

#include <cstdio>

#include "engine/escalations.h"
#include "engine/text.h"
#include "report/records_read.h"
#include "report/summary_rows.h"

namespace orderflow {

std::vector<std::string> ReportNotes(const WeeklyReport& r,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> notes;
  notes.push_back(DescribeRead(r));
  notes.insert(notes.end(), extra.begin(), extra.end());
  if (r.last_time < r.current.start) {
    notes.push_back(Cat("no records in ", r.week.Name(),
                        " or later: the figures of the week are empty"));
  }
  return notes;
}

std::string DescribeProblem(size_t rank, const Problem& p) {
  std::string s = Cat(rank, ". ", KindName(p.kind), ": ", p.raised, " raised");
  if (!p.example_orders.empty()) s += Cat(", e.g. ", Join(p.example_orders, ", "));
  return s;
}

std::string RenderText(const WeeklyReport& r, const std::vector<std::string>& notes) {
  std::string out;
  out += Cat("orderflow weekly report ", r.week.Name(), ": ", DescribeWeek(r.week),
             " (UTC)\n");
  out += Cat("compared with ", r.previous_week.Name(), ": ",
             DescribeWeek(r.previous_week), "\n");
  for (const std::string& note : ReportNotes(r, notes)) out += Cat(note, "\n");

  char line[256];
  std::snprintf(line, sizeof line, "\n%-34s %10s %10s %10s\n", "",
                r.week.Name().c_str(), r.previous_week.Name().c_str(), "change");
  out += line;
  for (const SummarySection& section : SummarySections(r)) {
    out += Cat(section.title, "\n");
    for (const SummaryRow& row : section.rows) {
      std::snprintf(line, sizeof line, "  %-32s %10s %10s %10s\n",
                    row.label.c_str(), row.current.c_str(), row.previous.c_str(),
                    row.change.c_str());
      out += line;
    }
  }

  out += Cat("\ntop problems of ", r.week.Name(), " (escalation kinds most raised)\n");
  if (r.top_problems.empty()) out += "  none: no escalation was raised\n";
  for (size_t i = 0; i < r.top_problems.size(); ++i) {
    out += Cat("  ", DescribeProblem(i + 1, r.top_problems[i]), "\n");
  }
  return out;
}

}  // namespace orderflow
