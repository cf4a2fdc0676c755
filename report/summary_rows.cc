#include "report/summary_rows.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/contacts.h"
#include "engine/escalations.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

std::string FormatRate(const std::optional<double>& rate) {
  if (!rate) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", *rate * 100);
  return buf;
}

std::string FormatDuration(const std::optional<Millis>& d) {
  if (!d) return "n/a";
  const int64_t minutes = std::llabs(*d) / Minutes(1);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lldh%02lldm", *d < 0 ? "-" : "",
                static_cast<long long>(minutes / 60),
                static_cast<long long>(minutes % 60));
  return buf;
}

std::string DescribeWeek(const IsoWeek& week) {
  return Cat(WeekdayName(week.start()), " ", FormatDate(week.start()), " to ",
             WeekdayName(week.end() - Days(1)), " ", FormatDate(week.end() - Days(1)));
}

namespace {

std::string CountChange(int64_t current, int64_t previous) {
  const int64_t d = current - previous;
  return d > 0 ? Cat("+", d) : Cat(d);
}

SummaryRow CountRow(std::string label, int64_t current, int64_t previous,
                    int better = -1) {
  return {std::move(label), Cat(current), Cat(previous),
          CountChange(current, previous), better};
}

SummaryRow RateRow(std::string label, const std::optional<double>& current,
                   const std::optional<double>& previous, int better) {
  std::string change = "n/a";
  if (current && previous) {
    // Percentage points, to one decimal, never "-0.0".
    double pp = std::round((*current - *previous) * 1000) / 10;
    if (pp == 0) pp = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f pp", pp);
    change = buf;
  }
  return {std::move(label), FormatRate(current), FormatRate(previous), change,
          better};
}

SummaryRow DurationRow(std::string label, const std::optional<Millis>& current,
                       const std::optional<Millis>& previous) {
  std::string change = "n/a";
  if (current && previous) {
    const Millis d = *current - *previous;
    change = d > 0 ? "+" + FormatDuration(d) : FormatDuration(d);
  }
  return {std::move(label), FormatDuration(current), FormatDuration(previous),
          change, -1};
}

// Contacts per 100 orders, to one decimal; the change likewise.
SummaryRow Per100Row(std::string label, const std::optional<double>& current,
                     const std::optional<double>& previous) {
  auto text = [](const std::optional<double>& v) {
    if (!v) return std::string("n/a");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *v);
    return std::string(buf);
  };
  std::string change = "n/a";
  if (current && previous) {
    double d = std::round((*current - *previous) * 10) / 10;
    if (d == 0) d = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f", d);
    change = buf;
  }
  return {std::move(label), text(current), text(previous), change, -1};
}

// Rule 13: contacts per 100 orders received in the week, in all, then by
// kind and by root cause where either week had some.
SummarySection ContactsSection(const ServiceMetrics& m, const ServiceMetrics& p,
                               const ServiceSummary& sm,
                               const ServiceSummary& sp) {
  SummarySection s{"customer contacts (about the orders received in the week)", {}};
  s.rows.push_back(CountRow("contacts", m.contacts(), p.contacts()));
  s.rows.push_back(Per100Row("per 100 orders", sm.contacts_per_100_orders,
                             sp.contacts_per_100_orders));
  for (int k = 1; k < kContactKinds; ++k) {
    if (m.contacts_by_kind[k] == 0 && p.contacts_by_kind[k] == 0) continue;
    s.rows.push_back(Per100Row(Cat("per 100, kind ", ContactKindName(k)),
                               sm.contacts_per_100_by_kind[k],
                               sp.contacts_per_100_by_kind[k]));
  }
  for (size_t r = 0; r < kRootCauses.size(); ++r) {
    if (m.contacts_by_root_cause[r] == 0 && p.contacts_by_root_cause[r] == 0) {
      continue;
    }
    s.rows.push_back(Per100Row(Cat("per 100, cause ", kRootCauses[r]),
                               sm.contacts_per_100_by_root_cause[r],
                               sp.contacts_per_100_by_root_cause[r]));
  }
  return s;
}

}  // namespace

std::vector<SummarySection> SummarySections(const WeeklyReport& r) {
  const ServiceMetrics& m = r.current.metrics;
  const ServiceMetrics& p = r.previous.metrics;
  const ServiceSummary sm = Summarize(m);
  const ServiceSummary sp = Summarize(p);
  std::vector<SummarySection> out;

  out.push_back({"orders", {
      CountRow("received", m.received, p.received, 0),
      CountRow("accepted", m.accepted, p.accepted, 0),
      CountRow("rejected", m.rejected, p.rejected),
      CountRow("cancelled", m.cancelled, p.cancelled),
      CountRow("shipped", m.shipped, p.shipped, 0),
      CountRow("delivered", m.delivered, p.delivered, 0),
      CountRow("delivery failures", m.delivery_failures, p.delivery_failures),
  }});
  out.push_back({"rates", {
      RateRow("accuracy (accepted / received)", sm.accuracy_rate, sp.accuracy_rate, +1),
      RateRow("fill rate (no backorder)", sm.fill_rate, sp.fill_rate, +1),
      RateRow("backorder rate", sm.backorder_rate, sp.backorder_rate, -1),
      RateRow("cancellation rate", sm.cancellation_rate, sp.cancellation_rate, -1),
      RateRow("on-time delivery", sm.on_time_rate, sp.on_time_rate, +1),
  }});
  out.push_back({"cycle times", {
      DurationRow("placed -> shipped p50", sm.placed_to_shipped.p50, sp.placed_to_shipped.p50),
      DurationRow("placed -> shipped p90", sm.placed_to_shipped.p90, sp.placed_to_shipped.p90),
      DurationRow("placed -> shipped p99", sm.placed_to_shipped.p99, sp.placed_to_shipped.p99),
      DurationRow("placed -> delivered p50", sm.placed_to_delivered.p50, sp.placed_to_delivered.p50),
      DurationRow("placed -> delivered p90", sm.placed_to_delivered.p90, sp.placed_to_delivered.p90),
      DurationRow("placed -> delivered p99", sm.placed_to_delivered.p99, sp.placed_to_delivered.p99),
  }});

  const Backlog& bm = r.current.backlog_at_end;
  const Backlog& bp = r.previous.backlog_at_end;
  SummarySection backlog{"backlog at the end of the week", {}};
  backlog.rows.push_back(CountRow("open orders", bm.total(), bp.total()));
  for (v1::OrderStatus s : kOpenStatuses) {
    backlog.rows.push_back(CountRow(Cat("status ", StatusName(s)), bm.of_status(s),
                                    bp.of_status(s)));
  }
  for (int a = 0; a < kAgeBuckets; ++a) {
    const auto bucket = static_cast<AgeBucket>(a);
    backlog.rows.push_back(CountRow(Cat("age ", AgeBucketLabel(bucket)),
                                    bm.of_age(bucket), bp.of_age(bucket)));
  }
  out.push_back(std::move(backlog));

  // Every kind raised in either week: this week's most raised first.
  SummarySection escalations{"escalations raised", {}};
  std::vector<int> kinds;
  for (const auto& [kind, n] : sm.kinds_by_raised) kinds.push_back(kind);
  std::vector<int> only_before;
  for (const auto& [kind, n] : sp.kinds_by_raised) {
    if (m.escalations_raised[kind] == 0) only_before.push_back(kind);
  }
  std::sort(only_before.begin(), only_before.end(), [](int a, int b) {
    return KindName(static_cast<v1::EscalationKind>(a)) <
           KindName(static_cast<v1::EscalationKind>(b));
  });
  kinds.insert(kinds.end(), only_before.begin(), only_before.end());
  int64_t total_m = 0, total_p = 0;
  for (int k = 0; k < kEscalationKinds; ++k) {
    total_m += m.escalations_raised[k];
    total_p += p.escalations_raised[k];
  }
  escalations.rows.push_back(CountRow("all kinds", total_m, total_p));
  for (int k : kinds) {
    escalations.rows.push_back(
        CountRow(std::string(KindName(static_cast<v1::EscalationKind>(k))),
                 m.escalations_raised[k], p.escalations_raised[k]));
  }
  out.push_back(std::move(escalations));

  out.push_back({"dead letters", {CountRow("records not usable",
                                           r.current.dead_letters,
                                           r.previous.dead_letters)}});
  out.push_back({"amendments", {
      CountRow("amendments applied", m.amendments_applied, p.amendments_applied, 0),
      CountRow("amendments rejected", m.amendments_rejected, p.amendments_rejected),
  }});
  out.push_back(ContactsSection(m, p, sm, sp));
  return out;
}

}  // namespace orderflow
