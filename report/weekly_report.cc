#include "report/weekly_report.h"

#include <algorithm>
#include <string_view>

#include "engine/contacts.h"
#include "engine/text.h"

namespace orderflow {

WeeklyReportBuilder::WeeklyReportBuilder(IsoWeek week) {
  report_.week = week;
  report_.previous_week = week.Previous();
  report_.current.start = week.start();
  report_.current.end = week.end();
  report_.previous.start = report_.previous_week.start();
  report_.previous.end = week.start();
  for (int d = 0; d < 7; ++d) {
    report_.days[d].start = week.start() + Days(d);
    report_.days[d].end = week.start() + Days(d + 1);
  }
}

PeriodFigures* WeeklyReportBuilder::WeekOf(EpochMillis time) {
  for (PeriodFigures* p : {&report_.current, &report_.previous}) {
    if (time >= p->start && time < p->end) return p;
  }
  return nullptr;
}

PeriodFigures* WeeklyReportBuilder::DayOf(EpochMillis time) {
  if (time < report_.current.start || time >= report_.current.end) return nullptr;
  return &report_.days[(time - report_.current.start) / Days(1)];
}

void WeeklyReportBuilder::Add(const v1::OrderStatusChanged& c) {
  ++report_.status_changes;
  const EpochMillis at = ToMillis(c.occurred_at());
  report_.Seen(at);
  const StatusChange change{
      .previous = c.previous_status(),
      .status = c.status(),
      .at = at,
      .placed_at = c.has_placed_at() ? ToMillis(c.placed_at()) : 0,
      .promised_at =
          c.has_promised_delivery_at() ? ToMillis(c.promised_delivery_at()) : 0};
  if (PeriodFigures* week = WeekOf(at)) week->metrics.OnStatusChanged(change);
  if (PeriodFigures* day = DayOf(at)) day->metrics.OnStatusChanged(change);
  if (change.previous == v1::ORDER_STATUS_UNSPECIFIED) {
    received_at_.try_emplace(c.order_id(), at);
  }

  // The backlog: nothing after the week matters; before the previous week
  // only the latest status does.
  if (at >= report_.current.end) return;
  Track& track = orders_[c.order_id()];
  const Change entry{at, change.placed_at, c.status()};
  if (at < report_.previous.start) {
    if (at >= track.before.at) track.before = entry;
  } else {
    track.changes.push_back(entry);
  }
}

namespace {

// The kind of a contact from its level-1 escalation: the id is
// "<orderId>/CUSTOMER_CONTACT/1/<placedAt>/<contactId>" (engine/contacts.h) and the
// message begins "Customer contact <contactId> (<KIND>) " or "(<KIND> by
// <channel>) "; OTHER when they do not say.
v1::ContactKind ContactKindOf(const v1::Escalation& e) {
  const std::string_view id = e.escalation_id();
  const std::string head = Cat(e.order_id(), "/CUSTOMER_CONTACT/1/");
  if (id.substr(0, head.size()) != head) return v1::CONTACT_KIND_OTHER;
  const size_t slash = id.find('/', head.size());
  if (slash == std::string_view::npos) return v1::CONTACT_KIND_OTHER;
  const std::string prefix = Cat("Customer contact ", id.substr(slash + 1), " (");
  std::string_view message = e.message();
  if (message.substr(0, prefix.size()) != prefix) return v1::CONTACT_KIND_OTHER;
  message.remove_prefix(prefix.size());
  const std::string_view name = message.substr(0, message.find_first_of(") "));
  for (int k = 1; k < kContactKinds; ++k) {
    if (v1::ContactKind_IsValid(k) && ContactKindName(k) == name) {
      return static_cast<v1::ContactKind>(k);
    }
  }
  return v1::CONTACT_KIND_OTHER;
}

}  // namespace

void WeeklyReportBuilder::Add(const v1::Escalation& e) {
  ++report_.escalations;
  const EpochMillis at = ToMillis(e.detected_at());
  report_.Seen(at);
  if (PeriodFigures* week = WeekOf(at)) week->metrics.OnEscalation(e.kind(), e.state());
  if (PeriodFigures* day = DayOf(at)) day->metrics.OnEscalation(e.kind(), e.state());
  if (e.state() == v1::ESCALATION_STATE_RAISED && e.kind() >= 0 &&
      e.kind() < kEscalationKinds && at >= report_.current.start &&
      at < report_.current.end) {
    raised_[e.kind()].emplace_back(at, e.order_id());
  }
  if (e.kind() == v1::ESCALATION_KIND_CUSTOMER_CONTACT && e.level() == 1 &&
      e.state() == v1::ESCALATION_STATE_RAISED) {
    contacts_.push_back({e.order_id(), ContactKindOf(e), e.root_cause()});
  }
}

void WeeklyReportBuilder::Add(const v1::AmendmentResult& a) {
  const EpochMillis at = ToMillis(a.occurred_at());
  report_.Seen(at);
  const bool applied = a.outcome() == v1::AMENDMENT_OUTCOME_APPLIED;
  if (PeriodFigures* week = WeekOf(at)) week->metrics.OnAmendment(applied);
  if (PeriodFigures* day = DayOf(at)) day->metrics.OnAmendment(applied);
}

void WeeklyReportBuilder::Add(const v1::DeadLetter& d) {
  ++report_.dead_letters;
  const EpochMillis at = ToMillis(d.dead_lettered_at());
  report_.Seen(at);
  if (PeriodFigures* week = WeekOf(at)) ++week->dead_letters;
  if (PeriodFigures* day = DayOf(at)) ++day->dead_letters;
}

WeeklyReport WeeklyReportBuilder::Build() const {
  WeeklyReport r = report_;

  // Backlogs at the end of the previous week and of each day of the week.
  std::vector<Change> changes;
  for (const auto& entry : orders_) {
    const auto& track = entry.second;  // a plain reference: the lambda below uses it
    changes = track.changes;
    // Changes of one order come in order; equal times keep it.
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change& a, const Change& b) { return a.at < b.at; });
    auto count = [&](PeriodFigures& period) {
      const Change* latest = &track.before;
      for (const Change& c : changes) {
        if (c.at >= period.end) break;
        latest = &c;
      }
      period.backlog_at_end.Add(latest->status, period.end - latest->placed_at);
    };
    count(r.previous);
    for (PeriodFigures& day : r.days) count(day);
  }
  r.current.backlog_at_end = r.days[6].backlog_at_end;

  // Contacts, in the week their order was received.
  for (const Contact& c : contacts_) {
    const auto received = received_at_.find(c.order_id);
    if (received == received_at_.end()) continue;
    for (PeriodFigures* p : {&r.current, &r.previous}) {
      if (received->second >= p->start && received->second < p->end) {
        p->metrics.OnContact(c.kind, c.root_cause);
      }
    }
  }

  // The top three problems, with example orders.
  const ServiceSummary summary = Summarize(r.current.metrics);
  for (size_t i = 0; i < summary.kinds_by_raised.size() && i < 3; ++i) {
    Problem p;
    p.kind = summary.kinds_by_raised[i].first;
    p.raised = summary.kinds_by_raised[i].second;
    auto raised = raised_[p.kind];
    std::sort(raised.begin(), raised.end());
    for (const auto& [at, order_id] : raised) {
      if (p.example_orders.size() == 3) break;
      if (std::find(p.example_orders.begin(), p.example_orders.end(), order_id) ==
          p.example_orders.end()) {
        p.example_orders.push_back(order_id);
      }
    }
    r.top_problems.push_back(std::move(p));
  }
  return r;
}

}  // namespace orderflow
