#include "report/monthly_text.h"

#include <cstdio>

#include "engine/holds.h"
#include "engine/text.h"
#include "report/iso_week.h"
#include "report/records_read.h"
#include "report/summary_rows.h"

namespace orderflow {
std::string FormatChange(int64_t current, int64_t previous) {
  if (previous == 0) return current == 0 ? "0" : "new";
  const int64_t diff = current - previous;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%lld (%s%.1f %%)", diff > 0 ? "+" : "",
                static_cast<long long>(diff), diff > 0 ? "+" : "",
                100.0 * static_cast<double>(diff) / static_cast<double>(previous));
  return buf;
}

std::string FormatPer100(int64_t count, int64_t orders) {
  if (orders == 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f",
                100.0 * static_cast<double>(count) / static_cast<double>(orders));
  return buf;
}

std::string DescribeRankedProblem(size_t rank, const RankedProblem& p,
                                  const CalendarMonth& previous_month,
                                  std::string_view unit) {
  const std::string counted =
      unit == "contacts" ? Plural(p.count, "contact", "contacts") : Cat(p.count, " ", unit);
  std::string s = Cat(rank, ". ", p.name, ": ", counted, ", ",
                      previous_month.Name(), ": ", p.previous, ", ",
                      FormatChange(p.count, p.previous));
  if (!p.example_orders.empty()) s += Cat(", e.g. ", Join(p.example_orders, ", "));
  return s;
}

std::string MonthSpan(const CalendarMonth& month) {
  return Cat(FormatDate(month.start()), " to ", FormatDate(month.end() - Days(1)));
}

std::vector<std::string> MonthlyNotes(const MonthlyReport& r,
                                      const std::vector<std::string>& extra) {
  std::vector<std::string> notes;
  notes.push_back(DescribeRead(
      r, Cat("; inputs: ", Plural(r.orders, "order", "orders"), ", ",
             Plural(r.hold_events, "hold event", "hold events"), ", ",
             Plural(r.contact_records, "contact record", "contact records"))));
  notes.insert(notes.end(), extra.begin(), extra.end());
  if (r.last_time < r.month.start()) {
    notes.push_back(Cat("no records in ", r.month.Name(),
                        " or later: the figures of the month are empty"));
  }
  if (r.orders + r.hold_events + r.contact_records == 0) {
    notes.push_back(
        "no input records read: holds and contact kinds need the replay input "
        "(a second --from) or the input topics");
  }
  return notes;
}

std::string RenderMonthlyText(const MonthlyReport& r,
                              const std::vector<std::string>& notes) {
  const std::string month = r.month.Name(), previous = r.previous_month.Name();
  std::string out;
  out += Cat("orderflow monthly review ", month, ": ", DescribeMonth(r.month), ", ",
             MonthSpan(r.month), " (UTC)\n");
  out += Cat("compared with ", previous, ": ", DescribeMonth(r.previous_month), ", ",
             MonthSpan(r.previous_month), "\n");
  for (const std::string& note : MonthlyNotes(r, notes)) out += Cat(note, "\n");

  char line[256];
  std::snprintf(line, sizeof line, "\n%-32s %10s %10s  %s\n", "", month.c_str(),
                previous.c_str(), "change");
  out += line;
  auto row = [&](std::string_view label, int64_t current, int64_t before) {
    std::snprintf(line, sizeof line, "  %-30s %10lld %10lld  %s\n",
                  std::string(label).c_str(), static_cast<long long>(current),
                  static_cast<long long>(before), FormatChange(current, before).c_str());
    out += line;
  };
  row("orders placed", r.orders_placed, r.previous_orders_placed);
  row("escalations raised", r.escalations_raised, r.previous_escalations_raised);
  row("customer contacts", r.contacts, r.previous_contacts);
  std::snprintf(line, sizeof line, "  %-30s %10s %10s\n", "contacts per 100 orders",
                FormatPer100(r.contacts, r.orders_placed).c_str(),
                FormatPer100(r.previous_contacts, r.previous_orders_placed).c_str());
  out += line;

  out += Cat("\ntop problems of ", month, " by escalations (kinds most raised)\n");
  if (r.top_escalations.empty()) out += "  none: no escalation was raised\n";
  for (size_t i = 0; i < r.top_escalations.size(); ++i) {
    out += Cat("  ", DescribeRankedProblem(i + 1, r.top_escalations[i],
                                           r.previous_month, "raised"),
               "\n");
  }
  out += Cat("\ntop problems of ", month, " by contacts (root causes most given)\n");
  if (r.top_root_causes.empty()) out += "  none: no customer contact\n";
  for (size_t i = 0; i < r.top_root_causes.size(); ++i) {
    out += Cat("  ", DescribeRankedProblem(i + 1, r.top_root_causes[i],
                                           r.previous_month, "contacts"),
               "\n");
  }

  out += Cat("\nholds of ", month, " by type\n");
  std::snprintf(line, sizeof line, "  %-30s %8s %8s %12s %8s\n", "", "placed",
                "released", "on hold p50", "p90");
  out += line;
  for (const HoldFigures& h : r.holds) {
    std::snprintf(line, sizeof line, "  %-30s %8lld %8lld %12s %8s\n",
                  std::string(HoldTypeName(h.type)).c_str(),
                  static_cast<long long>(h.placed), static_cast<long long>(h.released),
                  FormatDuration(h.time_on_hold.Percentile(0.50)).c_str(),
                  FormatDuration(h.time_on_hold.Percentile(0.90)).c_str());
    out += line;
  }

  auto per100 = [&](std::string_view title, const std::vector<NamedCount>& counts) {
    out += Cat("\ncontacts per 100 orders by ", title, "\n");
    if (counts.empty()) out += "  none\n";
    std::snprintf(line, sizeof line, "  %-30s %10s %10s %10s %10s\n", "", month.c_str(),
                  previous.c_str(), "contacts", "before");
    if (!counts.empty()) out += line;
    for (const NamedCount& c : counts) {
      std::snprintf(line, sizeof line, "  %-30s %10s %10s %10lld %10lld\n",
                    c.name.c_str(), FormatPer100(c.count, r.orders_placed).c_str(),
                    FormatPer100(c.previous, r.previous_orders_placed).c_str(),
                    static_cast<long long>(c.count), static_cast<long long>(c.previous));
      out += line;
    }
  };
  per100("kind", r.contacts_by_kind);
  per100("root cause", r.contacts_by_root_cause);
  return out;
}

}  // namespace orderflow
