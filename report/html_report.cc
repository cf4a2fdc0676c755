#include "report/html_report.h"

#include <algorithm>

#include "engine/escalations.h"
#include "engine/order_status.h"
#include "engine/text.h"
#include "report/html_page.h"
#include "report/summary_rows.h"
#include "report/svg_chart.h"
#include "report/text_report.h"

namespace orderflow {
namespace {

// The weekly page's own rules, around the shared ones (html_page.h).
constexpr std::string_view kCardStyle =
    R"(.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .l { font-size: 12px; color: #555; }
.card .c { font-size: 12px; color: #555; }
)";
constexpr std::string_view kWeeklyStyle =
    R"(tr.section td { font-weight: 600; padding-top: 10px; border-bottom: 1px solid #eee; }
td.up { color: #1b7f3b; } td.down { color: #b3261e; }
.card .c.up { color: #1b7f3b; } .card .c.down { color: #b3261e; }
ol.problems li { margin: 4px 0; }
.kind { font-weight: 600; }
code { font-size: 12px; }
.wide { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; }
)";

// Series colours (colour-blind friendly, Tableau 10).
constexpr std::string_view kBlue = "#4e79a7", kOrange = "#f28e2b", kGreen = "#59a14f",
                           kRed = "#e15759", kPurple = "#b07aa1", kGrey = "#bab0ac",
                           kYellow = "#edc948", kTeal = "#76b7b2";

std::string E(std::string_view s) { return XmlEscape(s); }

std::vector<std::string> DayLabels(const WeeklyReport& r) {
  std::vector<std::string> labels;
  for (const PeriodFigures& d : r.days) {
    labels.push_back(Cat(WeekdayName(d.start), " ", FormatDate(d.start).substr(5)));
  }
  return labels;
}

std::optional<double> InHours(const std::optional<Millis>& d) {
  if (!d) return std::nullopt;
  return static_cast<double>(*d) / static_cast<double>(Hours(1));
}

std::string OrdersChart(const WeeklyReport& r) {
  Chart c;
  c.title = "Orders received, shipped and delivered per day";
  c.y_label = "orders";
  c.categories = DayLabels(r);
  ChartSeries received{"received", std::string(kBlue), {}},
      shipped{"shipped", std::string(kOrange), {}},
      delivered{"delivered", std::string(kGreen), {}};
  for (const PeriodFigures& d : r.days) {
    received.values.push_back(static_cast<double>(d.metrics.received));
    shipped.values.push_back(static_cast<double>(d.metrics.shipped));
    delivered.values.push_back(static_cast<double>(d.metrics.delivered));
  }
  c.series = {received, shipped, delivered};
  return Figure(c.title, GroupedBarChart(c));
}

std::string CycleChart(const WeeklyReport& r, bool delivered) {
  Chart c;
  c.title = delivered ? "Cycle time placed -> delivered per day (hours)"
                      : "Cycle time placed -> shipped per day (hours)";
  c.y_label = "hours";
  c.categories = DayLabels(r);
  c.integer_values = false;
  ChartSeries p50{"p50", std::string(kBlue), {}}, p90{"p90", std::string(kOrange), {}},
      p99{"p99", std::string(kRed), {}};
  for (const PeriodFigures& d : r.days) {
    const CycleTimes& t =
        delivered ? d.metrics.placed_to_delivered : d.metrics.placed_to_shipped;
    p50.values.push_back(InHours(t.Percentile(0.50)));
    p90.values.push_back(InHours(t.Percentile(0.90)));
    p99.values.push_back(InHours(t.Percentile(0.99)));
  }
  c.series = {p50, p90, p99};
  return Figure(c.title, LineChart(c));
}

std::string BacklogChart(const WeeklyReport& r) {
  Chart c;
  c.title = "Backlog by status at the end of each day";
  c.y_label = "open orders";
  c.categories = DayLabels(r);
  // One per open status (v1's, then ON_HOLD and the partial statuses).
  const std::string_view colors[] = {kGrey,   kRed,    kBlue,  kOrange,
                                     kPurple, kYellow, kTeal,  kGreen};
  static_assert(sizeof(colors) / sizeof(colors[0]) == kOpenStatuses.size());
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    ChartSeries s{std::string(StatusName(kOpenStatuses[i])), std::string(colors[i]), {}};
    for (const PeriodFigures& d : r.days) {
      s.values.push_back(static_cast<double>(d.backlog_at_end.of_status(kOpenStatuses[i])));
    }
    c.series.push_back(std::move(s));
  }
  return Figure(c.title, StackedBarChart(c));
}

std::string EscalationChart(const WeeklyReport& r) {
  const ServiceSummary s = Summarize(r.current.metrics);
  std::vector<HorizontalBar> bars;
  for (size_t i = 0; i < s.kinds_by_raised.size(); ++i) {
    bars.push_back({std::string(KindName(s.kinds_by_raised[i].first)),
                    static_cast<double>(s.kinds_by_raised[i].second), i < 3,
                    i < 3 ? Cat("top ", i + 1) : ""});
  }
  const std::string title = Cat("Escalations raised in ", r.week.Name(), " by kind");
  return Figure(title, HorizontalBarChart(title, "escalations raised", bars));
}

// "up" for a change for the better (green), "down" for the worse (red).
std::string ChangeClass(const SummaryRow& row) {
  const std::string& change = row.change;
  if (row.better == 0 || change.empty() || (change[0] != '+' && change[0] != '-') ||
      change.find_first_of("123456789") == std::string::npos) {
    return "";
  }
  const int sign = change[0] == '+' ? 1 : -1;
  return sign == row.better ? "up" : "down";
}

// Headline cards: the few numbers a reader looks at first.
std::string Cards(const std::vector<SummarySection>& sections) {
  const std::vector<std::pair<std::string, std::string>> picks = {
      {"orders", "received"},
      {"rates", "accuracy (accepted / received)"},
      {"rates", "fill rate (no backorder)"},
      {"rates", "on-time delivery"},
      {"cycle times", "placed -> shipped p50"},
      {"backlog at the end of the week", "open orders"},
      {"escalations raised", "all kinds"}};
  std::string out = "<div class=\"cards\">\n";
  for (const auto& [section, label] : picks) {
    for (const SummarySection& s : sections) {
      if (s.title != section) continue;
      for (const SummaryRow& row : s.rows) {
        if (row.label != label) continue;
        const std::string name = section == "escalations raised" ? "escalations raised"
                                 : section == "backlog at the end of the week"
                                     ? "open orders at the end"
                                     : label;
        out += Cat("<div class=\"card\"><div class=\"v\">", E(row.current),
                   "</div><div class=\"l\">", E(name), "</div><div class=\"c ",
                   ChangeClass(row), "\">",
                   E(row.change), " vs. previous week</div></div>\n");
      }
    }
  }
  return out + "</div>\n";
}

std::string Table(const WeeklyReport& r, const std::vector<SummarySection>& sections) {
  std::string out = Cat("<table class=\"summary\"><thead><tr><th></th><th>",
                        r.week.Name(), "</th><th>", r.previous_week.Name(),
                        "</th><th>change</th></tr></thead><tbody>\n");
  for (const SummarySection& s : sections) {
    out += Cat("<tr class=\"section\"><td colspan=\"4\">", E(s.title), "</td></tr>\n");
    for (const SummaryRow& row : s.rows) {
      out += Cat("<tr><td>", E(row.label), "</td><td>", E(row.current), "</td><td>",
                 E(row.previous), "</td><td class=\"", ChangeClass(row), "\">",
                 E(row.change), "</td></tr>\n");
    }
  }
  return out + "</tbody></table>\n";
}

std::string BacklogAgeTable(const WeeklyReport& r) {
  const Backlog& b = r.current.backlog_at_end;
  std::string out = "<table class=\"ages\"><thead><tr><th>status</th>";
  for (int a = 0; a < kAgeBuckets; ++a) {
    out += Cat("<th>", E(AgeBucketLabel(static_cast<AgeBucket>(a))), "</th>");
  }
  out += "<th>total</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    out += Cat("<tr><td>", StatusName(kOpenStatuses[i]), "</td>");
    for (int a = 0; a < kAgeBuckets; ++a) out += Cat("<td>", b.orders[i][a], "</td>");
    out += Cat("<td>", b.of_status(kOpenStatuses[i]), "</td></tr>\n");
  }
  out += "<tr><td><b>all</b></td>";
  for (int a = 0; a < kAgeBuckets; ++a) {
    out += Cat("<td><b>", b.of_age(static_cast<AgeBucket>(a)), "</b></td>");
  }
  return out + Cat("<td><b>", b.total(), "</b></td></tr></tbody></table>\n");
}

}  // namespace

std::string RenderHtml(const WeeklyReport& r, const std::vector<std::string>& notes) {
  const std::vector<SummarySection> sections = SummarySections(r);
  std::string out = PageStart(
      Cat("orderflow weekly report ", r.week.Name()),
      Cat(kPageStyle, kCardStyle, kFigureAndTableStyle, kWeeklyStyle),
      Cat("Weekly report ", r.week.Name()),
      Cat(E(DescribeWeek(r.week)), " (UTC), compared with ", r.previous_week.Name(),
          " (", E(DescribeWeek(r.previous_week)), ")"),
      ReportNotes(r, notes));
  out += Cards(sections);

  out += "<h2>Top problems</h2>\n";
  if (r.top_problems.empty()) {
    out += "<p>No escalation was raised this week.</p>\n";
  } else {
    out += "<ol class=\"problems\">\n";
    for (const Problem& p : r.top_problems) {
      std::vector<std::string> ids;
      for (const std::string& id : p.example_orders) ids.push_back(Cat("<code>", E(id), "</code>"));
      out += Cat("<li><span class=\"kind\">", E(KindName(p.kind)), "</span>: ", p.raised,
                 " raised", ids.empty() ? "" : Cat(", e.g. ", Join(ids, ", ")), "</li>\n");
    }
    out += "</ol>\n";
  }

  out += "<h2>The week day by day</h2>\n<div class=\"grid\">\n";
  out += OrdersChart(r);
  out += BacklogChart(r);
  out += CycleChart(r, false);
  out += CycleChart(r, true);
  out += "</div>\n";

  out += "<h2>Escalations</h2>\n<div class=\"grid\">\n";
  out += EscalationChart(r);
  out += "</div>\n";

  out += "<h2>Metrics against the previous week</h2>\n<div class=\"wide\">\n";
  out += Table(r, sections);
  out += Cat("<div><p><b>Backlog at the end of the week by age</b> (since placed)</p>\n",
             BacklogAgeTable(r), "</div>\n");
  out += "</div>\n";
  out += PageEnd(
      "Weeks are ISO 8601 weeks in UTC. Rates in percent, changes of rates in "
      "percentage points (pp); cycle times are nearest-rank percentiles to the "
      "minute.");
  return out;
}

}  // namespace orderflow
