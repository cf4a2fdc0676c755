#include "report/monthly_html.h"

#include "engine/holds.h"
#include "engine/text.h"
#include "report/html_page.h"
#include "report/summary_rows.h"
#include "report/svg_chart.h"
#include "report/monthly_text.h"

namespace orderflow {
namespace {

// The monthly page's own rule, after the shared ones (html_page.h).
constexpr std::string_view kMonthlyStyle = "ol.problems li { margin: 4px 0; }\n";

// Series colours (colour-blind friendly, Tableau 10), one per top problem.
constexpr std::string_view kColors[] = {"#4e79a7", "#f28e2b", "#e15759"};

std::string E(std::string_view s) { return XmlEscape(s); }

// The count per day of the month of each top problem, stacked.
std::string DailyChart(const MonthlyReport& r, const std::vector<RankedProblem>& top,
                       std::string title, std::string y_label) {
  Chart c;
  c.title = std::move(title);
  c.y_label = std::move(y_label);
  c.width = 760;
  for (int d = 1; d <= r.month.days(); ++d) c.categories.push_back(Cat(d));
  for (size_t i = 0; i < top.size(); ++i) {
    ChartSeries s{top[i].name, std::string(kColors[i]), {}};
    for (int64_t n : top[i].per_day) s.values.push_back(static_cast<double>(n));
    c.series.push_back(std::move(s));
  }
  return Figure(c.title, StackedBarChart(c));
}

std::string Problems(const MonthlyReport& r, const std::vector<RankedProblem>& top,
                     std::string_view unit, std::string_view none) {
  if (top.empty()) return Cat("<p>", E(none), "</p>\n");
  std::string out = "<ol class=\"problems\">\n";
  for (size_t i = 0; i < top.size(); ++i) {
    // The text's line without its "N. ": the list numbers it.
    const std::string line = DescribeRankedProblem(i + 1, top[i], r.previous_month, unit);
    out += Cat("<li>", E(line.substr(line.find(". ") + 2)), "</li>\n");
  }
  return out + "</ol>\n";
}

std::string Headline(const MonthlyReport& r) {
  std::string out = Cat("<table class=\"headline\"><thead><tr><th></th><th>",
                        r.month.Name(), "</th><th>", r.previous_month.Name(),
                        "</th><th>change</th></tr></thead><tbody>\n");
  auto row = [&](std::string_view label, int64_t current, int64_t before) {
    out += Cat("<tr><td>", E(label), "</td><td>", current, "</td><td>", before,
               "</td><td>", E(FormatChange(current, before)), "</td></tr>\n");
  };
  row("orders placed", r.orders_placed, r.previous_orders_placed);
  row("escalations raised", r.escalations_raised, r.previous_escalations_raised);
  row("customer contacts", r.contacts, r.previous_contacts);
  out += Cat("<tr><td>contacts per 100 orders</td><td>",
             FormatPer100(r.contacts, r.orders_placed), "</td><td>",
             FormatPer100(r.previous_contacts, r.previous_orders_placed),
             "</td><td></td></tr>\n");
  return out + "</tbody></table>\n";
}

std::string HoldsTable(const MonthlyReport& r) {
  std::string out =
      "<table class=\"holds\"><thead><tr><th>type</th><th>placed</th><th>released</th>"
      "<th>on hold p50</th><th>p90</th></tr></thead><tbody>\n";
  for (const HoldFigures& h : r.holds) {
    out += Cat("<tr><td>", HoldTypeName(h.type), "</td><td>", h.placed, "</td><td>",
               h.released, "</td><td>",
               FormatDuration(h.time_on_hold.Percentile(0.50)), "</td><td>",
               FormatDuration(h.time_on_hold.Percentile(0.90)), "</td></tr>\n");
  }
  return out + "</tbody></table>\n";
}

std::string ContactsTable(const MonthlyReport& r, std::string_view title,
                          const std::vector<NamedCount>& counts) {
  std::string out = Cat("<table class=\"contacts\"><thead><tr><th>", E(title),
                        "</th><th>", r.month.Name(), " per 100</th><th>",
                        r.previous_month.Name(),
                        " per 100</th><th>contacts</th><th>before</th></tr></thead><tbody>\n");
  if (counts.empty()) out += "<tr><td>none</td><td></td><td></td><td></td><td></td></tr>\n";
  for (const NamedCount& c : counts) {
    out += Cat("<tr><td>", E(c.name), "</td><td>", FormatPer100(c.count, r.orders_placed),
               "</td><td>", FormatPer100(c.previous, r.previous_orders_placed),
               "</td><td>", c.count, "</td><td>", c.previous, "</td></tr>\n");
  }
  return out + "</tbody></table>\n";
}

std::string RootCauseChart(const MonthlyReport& r) {
  std::vector<HorizontalBar> bars;
  for (size_t i = 0; i < r.contacts_by_root_cause.size(); ++i) {
    const NamedCount& c = r.contacts_by_root_cause[i];
    if (c.count == 0) continue;
    bars.push_back({c.name, static_cast<double>(c.count), i < 3,
                    i < 3 ? Cat("top ", i + 1) : ""});
  }
  const std::string title = Cat("Contacts in ", r.month.Name(), " by root cause");
  return Figure(title, HorizontalBarChart(title, "contacts", bars));
}

}  // namespace

std::string RenderMonthlyHtml(const MonthlyReport& r,
                              const std::vector<std::string>& notes) {
  const std::string month = r.month.Name();
  std::string out = PageStart(
      Cat("orderflow monthly review ", month),
      Cat(kPageStyle, kFigureAndTableStyle, kMonthlyStyle),
      Cat("Monthly review ", month),
      Cat(E(DescribeMonth(r.month)), ", ", MonthSpan(r.month), " (UTC), compared with ",
          r.previous_month.Name(), " (", E(DescribeMonth(r.previous_month)), ")"),
      MonthlyNotes(r, notes));
  out += Headline(r);

  out += "<h2>Top problems by escalations</h2>\n";
  out += Problems(r, r.top_escalations, "raised", "No escalation was raised this month.");
  out += "<h2>Top problems by contacts' root causes</h2>\n";
  out += Problems(r, r.top_root_causes, "contacts", "No customer contact this month.");

  out += "<h2>The month day by day</h2>\n<div class=\"grid\">\n";
  out += DailyChart(r, r.top_escalations,
                    Cat("Escalations raised per day in ", month, ", top problems"),
                    "escalations raised");
  out += DailyChart(r, r.top_root_causes,
                    Cat("Contacts per day in ", month, ", top root causes"),
                    "contacts");
  out += RootCauseChart(r);
  out += "</div>\n";

  out += "<h2>Holds by type</h2>\n";
  out += HoldsTable(r);
  out += "<h2>Contacts per 100 orders placed</h2>\n<div class=\"grid\">\n";
  out += ContactsTable(r, "kind", r.contacts_by_kind);
  out += ContactsTable(r, "root cause", r.contacts_by_root_cause);
  out += "</div>\n";
  out += PageEnd(
      "Months are calendar months in UTC. Changes against the previous month, "
      "\"new\" when it had none; times on hold are nearest-rank percentiles to "
      "the minute.");
  return out;
}

}  // namespace orderflow
